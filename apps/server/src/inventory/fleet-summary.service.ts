import { EventEmitter } from 'node:events';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TFleetSummary, THostSummary } from '@berth/shared';
import { LRUCache } from 'lru-cache';
import { AccessService } from '../access/access.service.js';
import type { PrincipalUser } from '../auth/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import { HostEvents } from '../hosts/host-events.js';
import { storedEngine, storedStatus } from '../hosts/stored-host.js';
import { ContainerInventory } from './container-inventory.js';
import { countStates } from './inventory-entry.js';

/** Changes are gathered for this long before listeners hear of them. */
const SETTLE_MS = 500;
/** How long a summary computed for the live feeds is handed to others who ask (unless the fleet changes). */
const SHARE_MS = 1_000;
/** One summary per user following the dashboard (one for all administrators) within SHARE_MS. */
const SHARE_MAX = 1_000;

/**
 * Per-host and fleet totals for the dashboard, from the inventory (containers) and the counts it
 * keeps (images, volumes, networks), over the hosts the user can see.
 */
@Injectable()
export class FleetSummaryService implements OnApplicationShutdown {
  private readonly emitter = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[];
  /** The live feeds' summaries since the last change, by whom they are for ('*': administrators). */
  private readonly shared = new LRUCache<string, Promise<TFleetSummary>>({
    max: SHARE_MAX,
    ttl: SHARE_MS,
  });

  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
    private readonly inventory: ContainerInventory,
    hostEvents: HostEvents,
  ) {
    this.emitter.setMaxListeners(0);
    this.unsubscribe = [
      inventory.onChange(() => this.settle()),
      hostEvents.onStatus(() => this.settle()),
    ];
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    for (const stop of this.unsubscribe) stop();
  }

  async summary(user: PrincipalUser): Promise<TFleetSummary> {
    const hosts = await this.prisma.db.host.findMany({
      select: { id: true, name: true, status: true, engine: true, lastSeenAt: true },
      orderBy: { name: 'asc' },
    });
    const perHost: THostSummary[] = [];
    for (const host of hosts) {
      if (!user.isAdmin && !(await this.access.forHost(user, host.id)).visible) continue;
      perHost.push(this.hostSummary(host));
    }
    const sum = (pick: (h: THostSummary) => number | null) =>
      perHost.reduce((total, h) => total + (pick(h) ?? 0), 0);
    const up = perHost.filter((h) => h.status === 'up').length;
    return {
      hosts: { total: perHost.length, up, down: perHost.length - up },
      containers: {
        running: sum((h) => h.containers.running),
        paused: sum((h) => h.containers.paused),
        stopped: sum((h) => h.containers.stopped),
        total: sum((h) => h.containers.total),
      },
      images: sum((h) => h.images),
      volumes: sum((h) => h.volumes),
      networks: sum((h) => h.networks),
      perHost,
      at: new Date().toISOString(),
    };
  }

  /**
   * `summary` for the live feeds: every open dashboard asks again on each change, so the answer is
   * computed once per change and handed to everyone who sees the same fleet (all administrators;
   * otherwise the same user) and asks within SHARE_MS, until the fleet changes.
   */
  sharedSummary(user: PrincipalUser): Promise<TFleetSummary> {
    const key = user.isAdmin ? '*' : user.id;
    const hit = this.shared.get(key);
    if (hit) return hit;
    const summary = this.summary(user);
    this.shared.set(key, summary);
    // A failed computation (the database is unavailable) is not handed on.
    summary.catch(() => {
      if (this.shared.peek(key) === summary) this.shared.delete(key);
    });
    return summary;
  }

  /**
   * One host's counts: the inventory's once it has listed the host; before that (a host down
   * since Berth started) the engine's own counts from its last answer, stale as of then. The
   * dashboard and the hosts pages both read this, so they agree on a down host.
   */
  private hostSummary(host: {
    id: string;
    name: string;
    status: string;
    engine: string | null;
    lastSeenAt: Date | null;
  }): THostSummary {
    const followed = this.inventory.host(host.id);
    const common = { hostId: host.id, name: host.name, status: storedStatus(host.status) };
    const lastAnswer = followed?.updatedAt ? null : storedEngine(host.engine);
    if (lastAnswer) {
      const { running, paused, stopped } = lastAnswer.containers;
      return {
        ...common,
        stale: true,
        updatedAt: host.lastSeenAt?.toISOString() ?? null,
        containers: { running, paused, stopped, total: running + paused + stopped },
        images: lastAnswer.images,
        volumes: null,
        networks: null,
        resourcesListedAt: null,
      };
    }
    return {
      ...common,
      stale: followed?.stale ?? true,
      updatedAt: followed?.updatedAt?.toISOString() ?? null,
      containers: countStates(followed?.entries.values() ?? []),
      images: followed?.counts?.images ?? null,
      volumes: followed?.counts?.volumes ?? null,
      networks: followed?.counts?.networks ?? null,
      resourcesListedAt: followed?.resourcesListedAt?.toISOString() ?? null,
    };
  }

  /** Called at most every half second while anything in the fleet changes. */
  onChange(listener: () => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  private settle(): void {
    // What was computed before this change is not handed on; listeners hear of it once it settles.
    this.shared.clear();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitter.emit('change');
    }, SETTLE_MS);
    this.timer.unref();
  }
}
