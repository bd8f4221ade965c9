import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AuditOutcome } from '@berth/shared';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import type { AuditIntent, Prisma } from '../generated/sqlite/client.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { type EngineCheck, type StoredIntent, decodeIntent } from './audit-intent.js';
import { type AuditEntry, AuditLog } from './audit-log.js';

/** How often long-held intents are marked held, and abandoned ones looked for. */
const SWEEP_MS = 60_000;
/** An intent not marked held for this long was left by a process that is gone. */
const ABANDONED_MS = 5 * 60_000;
/** How long the engines get, all together, to tell how the changes left pending ended. */
const CHECK_DEADLINE_MS = 5_000;
const BATCH = 500;

type Pass = 'start' | 'sweep';
/** An engine object as a check may name it: by one of its names or by (a prefix of) its id. */
interface Named {
  names: string[];
  id: string;
}
/** What one host holds now: its containers (with the networks each is on), networks, volumes. */
interface HostObjects {
  containers: (Named & { networks: Named[] })[];
  networks: Named[];
  volumes: Set<string>;
}
/** Each host checked; null when its engine could not tell. */
type Snapshots = Map<string, HostObjects | null>;

/**
 * Settles the engine changes whose process died between journaling them and hearing the engine's
 * answer (AuditLog.intend), so none goes without a record. Where the engine can tell (a container,
 * network or volume that a create makes or a remove takes away: is it there now? a container a
 * connect puts on a network: is it on it?) the record says `success` or
 * `failure`, else `unknown`; either way with `settledAtStart` (or `settledAbandoned`) in details.
 *
 * Which intents are left over: at start, with SQLite (one server per database) every intent;
 * with PostgreSQL, shared by replicas, those of this replica's earlier runs (same machine and
 * data directory) and those no process has marked held for ABANDONED_MS. A live process marks
 * its long-held intents (a pull, a build) every minute, and every minute each replica settles
 * the abandoned ones of replicas that died and did not come back.
 */
@Injectable()
export class AuditIntentRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLog,
    private readonly engines: EngineRegistry,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Runs before the server listens, so the log is whole before anyone reads or changes anything. */
  async onApplicationBootstrap(): Promise<void> {
    await this.pass('start');
    this.timer = setInterval(() => void this.tick(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Settles what `pass` finds left over; answers how many records it wrote. */
  async settleLeftovers(pass: Pass, now = new Date()): Promise<number> {
    let written = 0;
    for (;;) {
      const batch = await this.prisma.db.auditIntent.findMany({
        where: this.leftOver(pass, now),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: BATCH,
      });
      // Every row settled is gone from the next batch; one this process still waits on stays.
      const rows = batch.filter((row) => !this.audit.holds(row.id));
      if (rows.length === 0) return written;
      const intents = rows.map((row) => ({ row, stored: decodeIntent(row.entry) }));
      const snapshots = await this.snapshotsOf(intents.map((i) => i.stored));
      for (const { row, stored } of intents) {
        if (await this.audit.settleLeft(row.id, recordOf(row, stored, snapshots, pass))) {
          written += 1;
        }
      }
      if (batch.length < BATCH) return written;
    }
  }

  private leftOver(pass: Pass, now: Date): Prisma.AuditIntentWhereInput {
    const abandoned = { heldAt: { lt: new Date(now.getTime() - ABANDONED_MS) } };
    if (pass === 'sweep') return abandoned;
    const earlierRun = { process: { not: this.audit.process } };
    if (this.config.database.provider === 'sqlite') return earlierRun;
    return { OR: [{ replica: this.audit.replica, ...earlierRun }, abandoned] };
  }

  private async tick(): Promise<void> {
    try {
      await this.audit.keepHeld(SWEEP_MS);
    } catch (error) {
      this.log.warn({ err: error }, 'could not mark pending audit intents as held');
    }
    await this.pass('sweep');
  }

  private async pass(pass: Pass): Promise<void> {
    if (this.running) return;
    this.running = this.settleLeftovers(pass);
    try {
      const written = await this.running;
      if (written > 0) {
        this.log.warn(
          { settled: written, pass },
          'settled engine changes whose answer was never recorded',
        );
      }
    } catch (error) {
      this.log.error({ err: error, pass }, 'could not settle pending audit intents');
    } finally {
      this.running = null;
    }
  }

  /** One snapshot per host that has checks, all within one deadline. */
  private async snapshotsOf(intents: (StoredIntent | null)[]): Promise<Snapshots> {
    const hosts = new Set<string>();
    for (const intent of intents) {
      if (intent?.check && intent.entry.hostId) hosts.add(intent.entry.hostId);
    }
    const found: Snapshots = new Map();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, CHECK_DEADLINE_MS)),
    );
    await Promise.race([
      Promise.all([...hosts].map(async (hostId) => found.set(hostId, await this.list(hostId)))),
      deadline,
    ]);
    clearTimeout(timer);
    // A host that did not answer in time could not tell.
    return new Map([...hosts].map((hostId) => [hostId, found.get(hostId) ?? null]));
  }

  private async list(hostId: string): Promise<HostObjects | null> {
    try {
      const engine = await this.engines.get(hostId);
      if (!engine) return null;
      const [containers, networks, volumes] = await Promise.all([
        engine.client.listContainers({ all: true }),
        engine.client.listNetworks(),
        engine.client.listVolumes(),
      ]);
      return {
        containers: containers.map((c) => ({
          names: c.Names.map((name) => name.replace(/^\//, '')),
          id: c.Id,
          networks: Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({
            names: [name],
            id: n.NetworkID,
          })),
        })),
        networks: networks.map((n) => ({ names: [n.Name], id: n.Id })),
        volumes: new Set(volumes.map((v) => v.Name)),
      };
    } catch (error) {
      this.log.debug({ err: error, hostId }, 'the engine could not tell how pending changes ended');
      return null;
    }
  }
}

/** The record of an intent left over, with what the engine could tell. */
function recordOf(
  row: AuditIntent,
  stored: StoredIntent | null,
  snapshots: Snapshots,
  pass: Pass,
): AuditEntry {
  const settled = {
    ...(pass === 'start' ? { settledAtStart: true } : { settledAbandoned: true }),
    intendedAt: row.createdAt.toISOString(),
  };
  if (!stored) {
    // Still accounted for: the record says a change was journaled that cannot be read back.
    return {
      actor: { type: 'system', id: null, name: 'system' },
      action: 'engine.call',
      outcome: 'unknown',
      details: { ...settled, intentId: row.id, unreadable: true },
    };
  }
  const { entry, check } = stored;
  const snapshot = check && entry.hostId ? snapshots.get(entry.hostId) : null;
  const exists = snapshot && check ? holds(snapshot, check) : null;
  let outcome: AuditOutcome = 'unknown';
  if (check && exists !== null) outcome = exists === check.exists ? 'success' : 'failure';
  return {
    ...entry,
    outcome,
    details: {
      ...entry.details,
      ...settled,
      ...(check && exists !== null ? { engineCheck: { ...check, exists } } : {}),
    },
  };
}

/** Whether what the check names is there now (for an endpoint: the container is on the network). */
function holds(snapshot: HostObjects, check: EngineCheck): boolean {
  if ('attached' in check) {
    const container = snapshot.containers.find((c) => names(c, check.attached));
    return container?.networks.some((n) => names(n, check.network)) ?? false;
  }
  if ('network' in check) return snapshot.networks.some((n) => names(n, check.network));
  if ('volume' in check) return snapshot.volumes.has(check.volume);
  return snapshot.containers.some((c) => names(c, check.container));
}

/** Whether a reference names an object: one of its names, its id, or a prefix of it as the engine takes. */
function names(object: Named, ref: string): boolean {
  if (object.names.includes(ref)) return true;
  return /^[0-9a-f]+$/.test(ref) && object.id.startsWith(ref);
}
