import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { TCreateHostRequest, THost, THostTestResult, TUpdateHostRequest } from '@berth/shared';
import type { Logger } from 'pino';
import ssh2 from 'ssh2';
import { isUniqueViolation, orConflict } from '../admin/unique-conflict.js';
import { auditFacts } from '../audit/audit-context.js';
import { type AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import { ClusterBus } from '../database/cluster-bus.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Host, Prisma } from '../generated/sqlite/client.js';
import { type HostSecrets, kindOf } from '../docker/engine-endpoint.js';
import { toFingerprint } from '../docker/ssh-host-key.js';
import { Vault } from '../vault/vault.js';
import { EngineRegistry } from './engine-registry.js';
import { type ProbeResult, probeEngine } from './engine-probe.js';
import { HostEvents } from './host-events.js';
import { storedEngine, storedSecrets, storedStatus, storedTags } from './stored-host.js';

const SYSTEM = { type: 'system', id: null, name: 'system' } as const;

/** Thrown inside a pinning transaction to roll it back: another probe pinned a key first. */
class PinnedMeanwhile extends Error {}

/**
 * Hosts: their records, connection tests and engine facts. Every change is written with its audit
 * record in one transaction (`audit.change`); the engine is probed after it is committed.
 */
@Injectable()
export class HostsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly engines: EngineRegistry,
    private readonly events: HostEvents,
    private readonly audit: AuditLog,
    private readonly cluster: ClusterBus,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    // One replica runs the health monitor; the others learn what it saw from it.
    cluster.onMessage((message) => {
      if (message.kind !== 'host-status') return;
      this.engines.setStatus(message.event.hostId, message.event.status);
      this.events.emitStatus(message.event);
    });
  }

  async list(): Promise<THost[]> {
    const rows = await this.prisma.db.host.findMany({ orderBy: { name: 'asc' } });
    return rows.map(toHostDto);
  }

  async get(id: string): Promise<THost> {
    return toHostDto(await this.find(id));
  }

  async create(
    input: TCreateHostRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<THost> {
    checkSshKey(input.ssh);
    await this.assertNameFree(input.name);
    if (!input.allowSameEngine) await this.assertEngineNew(input);
    const data = {
      name: input.name,
      url: input.url,
      tags: JSON.stringify(input.tags ?? []),
      group: input.group ?? null,
      tlsSkipVerify: input.tls?.skipVerify ?? false,
      secret: sealSecrets(this.vault, secretsOf(input)),
      sshHostKey: input.sshHostKey ? toFingerprint(input.sshHostKey) : null,
    };
    const row = await orConflict(
      () =>
        this.audit.change(async (tx) => {
          const created = await tx.host.create({ data });
          const entry: AuditEntry = {
            ...auditFacts(principal, req),
            action: 'host.create',
            outcome: 'success',
            hostId: created.id,
            target: created.name,
            details: {
              url: created.url,
              kind: kindOf(created.url, Boolean(input.tls)),
              ...(created.sshHostKey ? { sshHostKey: created.sshHostKey } : {}),
            },
          };
          return { result: created, entry };
        }),
      'name',
      nameTaken(input.name),
    );
    return toHostDto((await this.checkNow(row.id)).row);
  }

  async update(
    id: string,
    input: TUpdateHostRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<THost> {
    checkSshKey(input.ssh);
    const current = await this.find(id);
    if (input.name !== undefined && input.name !== current.name)
      await this.assertNameFree(input.name);
    const { url, secrets: merged, sshHostKey } = this.connectionAfter(current, input);
    if (!input.allowSameEngine && connectionChanges(current, input))
      await this.assertEngineNotElsewhere(current, input);
    const name = input.name ?? current.name;
    const data = {
      name,
      url,
      tags: input.tags ? JSON.stringify(input.tags) : current.tags,
      group: input.group === undefined ? current.group : input.group,
      tlsSkipVerify: input.tls ? (input.tls.skipVerify ?? false) : current.tlsSkipVerify,
      secret: sealSecrets(this.vault, merged),
      sshHostKey,
      // Another address may be another engine: what the old one said is not kept as this host's.
      ...(url !== current.url ? { engine: null, lastSeenAt: null } : {}),
    };
    const entry: AuditEntry = {
      ...auditFacts(principal, req),
      action: 'host.update',
      outcome: 'success',
      hostId: id,
      target: name,
      details: {
        fields: Object.keys(input).filter(
          (k) => k !== 'tls' && k !== 'ssh' && k !== 'allowSameEngine',
        ),
        secretsChanged: Boolean(input.tls ?? input.ssh),
        ...(sshHostKey !== current.sshHostKey ? { sshHostKey } : {}),
      },
    };
    await orConflict(
      () =>
        this.audit.change(async (tx) => {
          await assertFound(tx.host.updateMany({ where: { id }, data }));
          return { result: undefined, entry };
        }),
      'name',
      nameTaken(name),
    );
    this.engines.forget(id);
    return toHostDto((await this.checkNow(id)).row);
  }

  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    const host = await this.find(id);
    const entry: AuditEntry = {
      ...auditFacts(principal, req),
      action: 'host.delete',
      outcome: 'success',
      hostId: id,
      target: host.name,
    };
    await this.audit.change(async (tx) => {
      await assertFound(tx.host.deleteMany({ where: { id } }));
      return { result: undefined, entry };
    });
    this.engines.forget(id);
  }

  /** Tries a connection that is not saved; nothing is stored and no secret is echoed. */
  async test(input: TCreateHostRequest): Promise<THostTestResult> {
    checkSshKey(input.ssh);
    const probe = await this.probeUnsaved(input.url, secretsOf(input), {
      skipVerify: input.tls?.skipVerify ?? false,
      sshHostKey: input.sshHostKey ? toFingerprint(input.sshHostKey) : null,
    });
    return this.testResult(probe, null);
  }

  /**
   * Tries an edit of a saved host before it is saved: the new URL or credentials, with the stored
   * secrets wherever no new ones are given. Nothing is stored.
   */
  async testChanges(id: string, input: TUpdateHostRequest): Promise<THostTestResult> {
    checkSshKey(input.ssh);
    return this.testResult(await this.probeChanges(await this.find(id), input), id);
  }

  async testSaved(id: string): Promise<THostTestResult> {
    return this.testResult((await this.checkNow(id)).probe, id);
  }

  /** Probes one host and stores what it found. */
  async checkNow(id: string): Promise<{ row: Host; probe: ProbeResult }> {
    const engine = await this.engines.get(id);
    if (!engine) throw AppError.notFound('host');
    const probe = await probeEngine(engine.client, this.config.engineTimeoutMs);
    return { row: await this.applyProbe(id, probe), probe };
  }

  async applyProbe(id: string, result: ProbeResult): Promise<Host> {
    const now = new Date();
    const before = await this.find(id);
    // Trust on first use: an SSH host added without a key gets the one it presented pinned.
    const pin =
      result.status === 'up' && result.sshHostKey && !before.sshHostKey ? result.sshHostKey : null;
    const found = {
      status: result.status,
      statusReason: result.error,
      lastCheckedAt: now,
      ...(result.engine ? { engine: JSON.stringify(result.engine), lastSeenAt: now } : {}),
    };
    const row =
      (pin ? await this.pin(before, pin, found) : null) ??
      (await this.prisma.db.host.update({ where: { id }, data: found }));
    this.engines.setStatus(id, result.status);
    if (before.status !== result.status || before.statusReason !== result.error) {
      this.log.info(
        { hostId: id, host: row.name, status: result.status, reason: result.error },
        'host status changed',
      );
      const event = {
        hostId: id,
        status: result.status,
        error: result.error,
        at: now.toISOString(),
      };
      this.events.emitStatus(event);
      this.cluster.publish({ kind: 'host-status', event });
    }
    return row;
  }

  /** Registers the machine's own engine as host "local" on first start when its socket exists. */
  async registerLocalEngine(): Promise<void> {
    const socket = this.config.localSocket;
    if (!socket) return;
    if (!existsSync(socket)) {
      this.log.info(`no local Docker engine at ${socket}; add hosts from the dashboard or the API`);
      return;
    }
    const url = `unix://${socket}`;
    // Replicas starting together race for this. Every one picks the same name, so the writes
    // that lose hit its unique index and the next round finds the winner's row.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await this.prisma.db.host.findFirst({ where: { url } })) return;
      const taken = await this.prisma.db.host.findUnique({ where: { name: 'local' } });
      if (taken?.url === url) return;
      const name = taken
        ? `local-${createHash('sha256').update(url).digest('hex').slice(0, 8)}`
        : 'local';
      try {
        const row = await this.audit.change(async (tx) => {
          const created = await tx.host.create({ data: { name, url, tags: '["local"]' } });
          const entry: AuditEntry = {
            actor: SYSTEM,
            action: 'host.create',
            outcome: 'success',
            hostId: created.id,
            target: name,
            details: { url, kind: 'unix', source: 'local socket' },
          };
          return { result: created, entry };
        });
        this.log.info(
          { hostId: row.id },
          `connected the local Docker engine at ${socket} as host "${name}"`,
        );
        return;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    this.log.warn(`the local Docker engine at ${socket} was not registered: its names are taken`);
  }

  /**
   * Pins the SSH host key a first connection presented, with the probe's findings and the audit
   * record, in one transaction. Null when another probe of the same host pinned a key first (its
   * record stands; this one writes nothing).
   */
  private async pin(
    host: Host,
    fingerprint: string,
    found: Prisma.HostUpdateManyMutationInput,
  ): Promise<Host | null> {
    let row: Host;
    try {
      row = await this.audit.change(async (tx) => {
        const { count } = await tx.host.updateMany({
          where: { id: host.id, sshHostKey: null },
          data: { ...found, sshHostKey: fingerprint },
        });
        if (count === 0) throw new PinnedMeanwhile();
        const entry: AuditEntry = {
          actor: SYSTEM,
          action: 'host.update',
          outcome: 'success',
          hostId: host.id,
          target: host.name,
          details: { sshHostKey: fingerprint, source: 'first connection' },
        };
        return { result: await tx.host.findUniqueOrThrow({ where: { id: host.id } }), entry };
      });
    } catch (error) {
      if (error instanceof PinnedMeanwhile) return null;
      throw error;
    }
    // The live connection trusted any key; from now on it trusts only the pinned one.
    (await this.engines.get(row.id))?.client.pinHostKey(fingerprint);
    this.log.info({ hostId: row.id, fingerprint }, `pinned the SSH host key of "${row.name}"`);
    return row;
  }

  /**
   * The connection a host has after an edit. Secrets are write-only: the stored ones are kept
   * unless new ones come, and the ones the new URL cannot use are dropped.
   */
  private connectionAfter(
    current: Host,
    input: TUpdateHostRequest,
  ): { url: string; secrets: HostSecrets; sshHostKey: string | null } {
    const url = input.url ?? current.url;
    const stored = this.secretsOf(current);
    const secrets: HostSecrets = {
      ...(url.startsWith('tcp://') && (input.tls ?? stored.tls)
        ? { tls: input.tls ?? stored.tls }
        : {}),
      ...(url.startsWith('ssh://') && (input.ssh ?? stored.ssh)
        ? { ssh: input.ssh ?? stored.ssh }
        : {}),
    };
    if (url.startsWith('ssh://') && !secrets.ssh) {
      throw AppError.validation([{ path: 'ssh', message: 'an ssh:// host needs a private key' }]);
    }
    if (input.sshHostKey && !url.startsWith('ssh://')) {
      throw AppError.validation([{ path: 'sshHostKey', message: 'only for ssh:// hosts' }]);
    }
    return { url, secrets, sshHostKey: pinnedKeyAfter(current, url, input.sshHostKey) };
  }

  /** Probes a host's connection as an edit would leave it; nothing is stored. */
  private async probeChanges(current: Host, input: TUpdateHostRequest): Promise<ProbeResult> {
    const { url, secrets, sshHostKey } = this.connectionAfter(current, input);
    return this.probeUnsaved(url, secrets, {
      skipVerify: input.tls ? (input.tls.skipVerify ?? false) : current.tlsSkipVerify,
      sshHostKey,
    });
  }

  private async probeUnsaved(
    url: string,
    secrets: HostSecrets,
    options: { skipVerify: boolean; sshHostKey: string | null },
  ): Promise<ProbeResult> {
    const connection = EngineRegistry.connect(url, secrets, options);
    try {
      return await probeEngine(connection, this.config.engineTimeoutMs);
    } finally {
      connection.close();
    }
  }

  private async testResult(probe: ProbeResult, self: string | null): Promise<THostTestResult> {
    const { sshHostKey, ...rest } = probe;
    return {
      ok: probe.status === 'up',
      ...rest,
      sshHostKey: sshHostKey ?? null,
      sameEngineAs: await this.sameEngine(probe.engine?.id, self),
    };
  }

  /** Another host whose last answer came from the engine with this ID. */
  private async sameEngine(
    engineId: string | undefined,
    except: string | null,
  ): Promise<{ id: string; name: string } | null> {
    if (!engineId) return null;
    const rows = await this.prisma.db.host.findMany({
      where: { engine: { not: null }, ...(except ? { id: { not: except } } : {}) },
      select: { id: true, name: true, engine: true },
      orderBy: { createdAt: 'asc' },
    });
    const found = rows.find((row) => storedEngine(row.engine)?.id === engineId);
    return found ? { id: found.id, name: found.name } : null;
  }

  /**
   * A second registration of an engine is refused with the host that has it, so the dashboard can
   * offer to open that one; `allowSameEngine` registers it anyway. An engine that does not answer
   * cannot be compared and is registered (as down).
   */
  private async assertEngineNew(input: TCreateHostRequest): Promise<void> {
    const { sameEngineAs } = await this.test(input);
    if (sameEngineAs) throw sameEngineConflict(sameEngineAs);
  }

  /**
   * An edit of the URL or credentials that points a host at an engine another host has is refused
   * the same way, unless this host already had that engine (e.g. new certificates for one of two
   * addresses registered anyway). An engine that does not answer cannot be compared and is saved.
   */
  private async assertEngineNotElsewhere(current: Host, input: TUpdateHostRequest): Promise<void> {
    const engineId = (await this.probeChanges(current, input)).engine?.id;
    if (!engineId || engineId === storedEngine(current.engine)?.id) return;
    const sameEngineAs = await this.sameEngine(engineId, current.id);
    if (sameEngineAs) throw sameEngineConflict(sameEngineAs);
  }

  /** The host's stored TLS material or SSH key; refused, not dropped, when it cannot be read. */
  private secretsOf(host: Host): HostSecrets {
    if (host.secret === null) return {};
    const secrets = storedSecrets(this.vault.open(host.secret));
    if (!secrets) {
      throw new AppError('INTERNAL', `the stored secrets of host "${host.name}" cannot be read`);
    }
    return secrets;
  }

  private async find(id: string): Promise<Host> {
    const row = await this.prisma.db.host.findUnique({ where: { id } });
    if (!row) throw AppError.notFound('host');
    return row;
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.prisma.db.host.findUnique({ where: { name } })) {
      throw new AppError('CONFLICT', nameTaken(name), {
        issues: [{ path: 'name', message: 'already taken' }],
      });
    }
  }
}

/** Names the host that already has the engine, so the dashboard can offer to open that one. */
function sameEngineConflict(existingHost: { id: string; name: string }): AppError {
  return new AppError(
    'CONFLICT',
    `this engine is already registered as host "${existingHost.name}"`,
    {
      existingHost,
      issues: [{ path: 'url', message: `the same engine as host "${existingHost.name}"` }],
    },
  );
}

/** A new address or new credentials may reach another engine; a rename or new tags cannot. */
function connectionChanges(current: Host, input: TUpdateHostRequest): boolean {
  return (
    (input.url !== undefined && input.url !== current.url) ||
    input.tls !== undefined ||
    input.ssh !== undefined
  );
}

function nameTaken(name: string): string {
  return `a host named "${name}" exists`;
}

/** A host removed by another request between the read and this write is not found, not a 500. */
async function assertFound(write: Promise<{ count: number }>): Promise<void> {
  if ((await write).count === 0) throw AppError.notFound('host');
}

/** An SSH key the client library cannot use is a field error, not a connection failure later. */
function checkSshKey(ssh: TCreateHostRequest['ssh']): void {
  if (!ssh) return;
  const parsed = ssh2.utils.parseKey(ssh.privateKey, ssh.passphrase);
  if (!(parsed instanceof Error)) return;
  const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message);
  throw AppError.validation([
    encrypted
      ? {
          path: 'ssh.passphrase',
          message: ssh.passphrase
            ? 'wrong passphrase for this key'
            : 'the key is encrypted: give its passphrase',
        }
      : {
          path: 'ssh.privateKey',
          message: 'not a private key format SSH can use (OpenSSH or PEM RSA/ECDSA/Ed25519)',
        },
  ]);
}

function secretsOf(input: Pick<TCreateHostRequest, 'tls' | 'ssh'>): HostSecrets {
  const secrets: HostSecrets = {};
  if (input.tls)
    secrets.tls = {
      ...(input.tls.ca ? { ca: input.tls.ca } : {}),
      cert: input.tls.cert,
      key: input.tls.key,
    };
  if (input.ssh)
    secrets.ssh = {
      privateKey: input.ssh.privateKey,
      ...(input.ssh.passphrase ? { passphrase: input.ssh.passphrase } : {}),
    };
  return secrets;
}

function sealSecrets(vault: Vault, secrets: HostSecrets): string | null {
  return secrets.tls || secrets.ssh ? vault.sealJson(secrets) : null;
}

/**
 * The pinned SSH host key after an edit: the one given (null forgets it), else the current one
 * while the host stays the same machine; a new ssh address is pinned afresh on first connection.
 */
function pinnedKeyAfter(
  current: Host,
  url: string,
  given: string | null | undefined,
): string | null {
  if (!url.startsWith('ssh://')) return null;
  if (given !== undefined) return given === null ? null : toFingerprint(given);
  const sameMachine = (u: string) => new URL(u).host;
  return current.url.startsWith('ssh://') && sameMachine(current.url) === sameMachine(url)
    ? current.sshHostKey
    : null;
}

export function toHostDto(row: Host): THost {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    kind: row.url.startsWith('tcp://') && row.secret ? 'tls' : kindOf(row.url, false),
    tags: storedTags(row.tags),
    group: row.group,
    tlsSkipVerify: row.tlsSkipVerify,
    hasSecret: row.secret !== null,
    sshHostKey: row.sshHostKey,
    status: storedStatus(row.status),
    error: row.statusReason,
    engine: storedEngine(row.engine),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
