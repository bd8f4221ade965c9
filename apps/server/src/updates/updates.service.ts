import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { TContainerUpdate, TUpdateCheckRequest, TUpdateList } from '@berth/shared';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { PrincipalUser } from '../auth/principal.js';
import { Leases } from '../cluster/leases.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import { ClusterBus } from '../database/cluster-bus.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, withinReach } from '../containers/container-access.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { ContainerInventory } from '../inventory/container-inventory.js';
import { type CheckRound, type CheckedContainer, UpdateChecker } from './update-checker.js';

/** Registries are asked about this many images of one host at a time. */
const CONCURRENCY = 4;
/** Results are kept for at most this many containers. */
const MAX_RESULTS = 20_000;
/** Without a schedule, a result is forgotten after a day. */
const DEFAULT_RESULT_TTL_MS = 86_400_000;

/**
 * The scheduled check acts as the server, not as a user: it may use every stored registry login,
 * as an administrator may. What it finds is only a status (no login, no registry content).
 */
const SCHEDULE_USER: PrincipalUser = {
  id: 'system',
  username: 'system',
  displayName: 'Scheduled update check',
  isAdmin: true,
};

/**
 * Update detection: the last check of every running container, kept in memory (a bounded LRU
 * cache whose entries expire after two schedule periods), filled on BERTH_UPDATE_CHECK_MINUTES'
 * schedule and on demand. A list answers only containers the caller may list, as the container
 * list does.
 */
@Injectable()
export class UpdatesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly results: LRUCache<string, TContainerUpdate>;
  private timer: NodeJS.Timeout | undefined;
  private scheduled: Promise<void> | null = null;

  constructor(
    private readonly checker: UpdateChecker,
    private readonly access: ContainerAccess,
    private readonly inventory: ContainerInventory,
    private readonly engines: EngineRegistry,
    private readonly leases: Leases,
    private readonly cluster: ClusterBus,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    // One replica runs the schedule (the `update-checks` lease); every replica answers its results.
    cluster.onMessage((message) => {
      if (message.kind === 'update-result') {
        this.results.set(keyOf(message.result.hostId, message.result.containerId), message.result);
      }
    });
    const periodMs = config.updateCheckMinutes * 60_000;
    this.results = new LRUCache({
      max: MAX_RESULTS,
      ttl: periodMs > 0 ? periodMs * 2 : DEFAULT_RESULT_TTL_MS,
    });
  }

  onApplicationBootstrap(): void {
    const minutes = this.config.updateCheckMinutes;
    if (minutes === 0) return;
    this.timer = setInterval(() => void this.runSchedule(), minutes * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The last results for running containers the caller may list, on one host or all. */
  async list(user: PrincipalUser, hostId: string | undefined): Promise<TUpdateList> {
    const hostIds = this.inventory
      .all()
      .map((host) => host.hostId)
      .filter((id) => hostId === undefined || id === hostId);
    const reach = await this.access.listReach(user, hostIds);
    const items: TContainerUpdate[] = [];
    for (const [id, listed] of reach) {
      for (const container of this.running(id)) {
        const result = this.results.get(keyOf(id, container.id));
        if (!result) continue;
        if (!withinReach(container.labels, listed.reach, user.id, listed.teamIds)) continue;
        items.push(result);
      }
    }
    return { items };
  }

  /** Checks the host's running containers the caller may list (or those named) now. */
  async check(caller: Caller, hostId: string, request: TUpdateCheckRequest): Promise<TUpdateList> {
    const permit = await this.access.require(
      caller.principal,
      hostId,
      'container.list',
      caller.grant,
    );
    const named = request.containers ? new Set(request.containers) : null;
    const candidates = this.running(hostId);
    if (named) {
      // One started a moment ago (a recreate's) may not be in the inventory yet: ask the engine.
      const listed = new Set(candidates.flatMap((container) => [container.id, container.name]));
      const unlisted = [...named].filter((ref) => !listed.has(ref));
      for (const found of await Promise.all(
        unlisted.map((ref) => runningOnEngine(permit.engine, ref)),
      )) {
        if (found) candidates.push(found);
      }
    }
    const containers = candidates.filter(
      (container) =>
        withinReach(container.labels, permit.reach, permit.user.id, permit.teamIds) &&
        (!named || named.has(container.id) || named.has(container.name)),
    );
    const items = await this.checkAll(permit.engine, containers, permit.user);
    return { items };
  }

  private async checkAll(
    engine: RegisteredEngine,
    containers: readonly CheckedContainer[],
    user: PrincipalUser,
  ): Promise<TContainerUpdate[]> {
    const round: CheckRound = new Map();
    const items: TContainerUpdate[] = [];
    const queue = [...containers];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await this.checker.check(engine, next, user, round);
        this.results.set(keyOf(engine.hostId, next.id), result);
        this.cluster.publish({ kind: 'update-result', result });
        items.push(result);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return items.sort((a, b) => a.containerName.localeCompare(b.containerName));
  }

  /** Running containers of a host, from the inventory. */
  private running(hostId: string): (CheckedContainer & { labels: Record<string, string> })[] {
    const host = this.inventory.host(hostId);
    if (!host) return [];
    return [...host.entries.values()]
      .map((entry) => entry.summary)
      .filter((summary) => summary.state === 'running');
  }

  /** One scheduled round over every host that answers; a round still running is not doubled. */
  private runSchedule(): Promise<void> {
    if (!this.leases.holds('update-checks')) return Promise.resolve();
    this.scheduled ??= (async () => {
      for (const host of this.inventory.all()) {
        const engine = await this.engines.get(host.hostId).catch(() => null);
        if (!engine || host.stale) continue;
        await this.checkAll(engine, this.running(host.hostId), SCHEDULE_USER).catch(
          (error: unknown) =>
            this.log.warn({ err: error, hostId: host.hostId }, 'update check failed'),
        );
      }
    })().finally(() => {
      this.scheduled = null;
    });
    return this.scheduled;
  }
}

function keyOf(hostId: string, containerId: string): string {
  return `${hostId}/${containerId}`;
}

/** A running container as the engine sees it (by id or name), or null. */
async function runningOnEngine(
  engine: RegisteredEngine,
  ref: string,
): Promise<(CheckedContainer & { labels: Record<string, string> }) | null> {
  const info = await engine.client.inspectContainer(ref).catch(() => null);
  if (!info?.State?.Running) return null;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: info.Config?.Labels ?? {},
  };
}
