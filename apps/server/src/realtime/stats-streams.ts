import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TContainerStats } from '@berth/shared';
import type { Principal } from '../auth/principal.js';
import { SharedStreams } from '../cluster/shared-streams.js';
import { CONFIG, type Config } from '../config/config.js';
import { ContainerAccess, withinReach } from '../containers/container-access.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { ContainerInventory } from '../inventory/container-inventory.js';
import { onJsonLines } from '../docker/json-lines.js';
import { computeStats, type EngineStats, sumStats } from './container-stats.js';
import { StreamHub, type StreamSink, type StreamViewer } from './stream-hub.js';

/** Host sums are sent this often. */
const HOST_INTERVAL_MS = 2_000;

export interface HostStats extends TContainerStats {
  containers: number;
}

/**
 * Resource usage: one engine stats stream per container, shared by everyone watching it on any
 * replica (`SharedStreams`; the latest sample is replayed to a new viewer), and per-host sums
 * built on those same streams.
 */
@Injectable()
export class StatsStreams implements OnApplicationShutdown {
  readonly hub = new StreamHub<TContainerStats>(1);
  readonly hostHub = new StreamHub<HostStats>(1);

  constructor(
    private readonly access: ContainerAccess,
    private readonly inventory: ContainerInventory,
    private readonly shared: SharedStreams,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationShutdown(): void {
    this.hostHub.closeAll('the server is stopping');
    this.hub.closeAll('the server is stopping');
  }

  async container(
    principal: Principal,
    hostId: string,
    ref: string,
    viewerFor: (containerId: string) => StreamViewer<TContainerStats>,
  ): Promise<() => void> {
    const { permit, container } = await this.access.requireContainer(
      principal,
      hostId,
      ref,
      'container.stats',
    );
    return this.watch(permit.engine, container.id, viewerFor(container.id));
  }

  /**
   * Sums over the host's running containers; the user must have `container.stats` there. With an
   * owner-limited grant the sum is over their own and their team's containers only.
   */
  async host(
    principal: Principal,
    hostId: string,
    viewer: StreamViewer<HostStats>,
  ): Promise<() => void> {
    const permit = await this.access.require(principal, hostId, 'container.stats');
    if (permit.reach === 'all') {
      return this.hostHub.join(hostId, viewer, (sink) => this.openHost(permit.engine, sink));
    }
    const mine = (labels: Record<string, string>) =>
      withinReach(labels, permit.reach, permit.user.id, permit.teamIds);
    return this.hostHub.join(`${hostId}/owner:${permit.user.id}`, viewer, (sink) =>
      this.openHost(permit.engine, sink, mine),
    );
  }

  private watch(
    engine: RegisteredEngine,
    id: string,
    viewer: StreamViewer<TContainerStats>,
  ): () => void {
    const key = `${engine.hostId}/${id}`;
    return this.hub.join(
      key,
      viewer,
      this.shared.opener(`stats:${key}`, 1, (sink) => this.open(engine, id, sink)),
    );
  }

  private async open(
    engine: RegisteredEngine,
    id: string,
    sink: StreamSink<TContainerStats>,
  ): Promise<() => void> {
    const res = await engine.client.stream({
      path: `/containers/${encodeURIComponent(id)}/stats?stream=1`,
      timeoutMs: this.config.engineTimeoutMs,
    });
    onJsonLines(res, (sample) => sink.next(computeStats(sample as EngineStats)));
    res.on('end', () => sink.end('the stats stream ended'));
    res.on('error', () => sink.end('the stats stream broke'));
    return () => res.destroy();
  }

  /**
   * Joins the stats stream of each running container of the host, follows containers starting
   * and stopping through the inventory, and sends the sum of the latest samples on an interval.
   */
  private openHost(
    engine: RegisteredEngine,
    sink: StreamSink<HostStats>,
    counts: (labels: Record<string, string>) => boolean = () => true,
  ): Promise<() => void> {
    const latest = new Map<string, TContainerStats>();
    const watching = new Map<string, () => void>();
    const sync = () => {
      const running = new Set<string>();
      for (const entry of this.inventory.host(engine.hostId)?.entries.values() ?? []) {
        if (entry.summary.state === 'running' && counts(entry.summary.labels))
          running.add(entry.summary.id);
      }
      for (const [id, leave] of watching) {
        if (running.has(id)) continue;
        leave();
        watching.delete(id);
        latest.delete(id);
      }
      for (const id of running) {
        if (watching.has(id)) continue;
        watching.set(
          id,
          this.watch(engine, id, {
            next: (sample) => latest.set(id, sample),
            end: () => {
              watching.delete(id);
              latest.delete(id);
            },
          }),
        );
      }
    };
    sync();
    const stopChanges = this.inventory.onChange((change) => {
      if (change.hostId === engine.hostId && change.kind !== 'counts') sync();
    });
    const send = () => sink.next({ ...sumStats(latest.values()), containers: latest.size });
    const timer = setInterval(send, HOST_INTERVAL_MS);
    timer.unref();
    return Promise.resolve(() => {
      clearInterval(timer);
      stopChanges();
      for (const leave of watching.values()) leave();
      watching.clear();
    });
  }
}
