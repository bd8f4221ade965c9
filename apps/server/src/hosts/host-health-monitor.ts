import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Leases } from '../cluster/leases.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineRegistry } from './engine-registry.js';
import { probeEngine } from './engine-probe.js';
import { HostsService } from './hosts.service.js';

/**
 * Probes every host on an interval (BERTH_HEALTH_INTERVAL_MS, 3 s by default) so a host that goes
 * down or comes back is noticed within one interval plus the engine timeout (each probe opens a
 * new connection, see `probeEngine`). A host whose last probe is still running is skipped, so a
 * slow host never piles up probes. With several replicas one of them probes (the `host-health`
 * lease) and tells the others what changed (`HostsService.applyProbe`).
 *
 * A tick starts its probes spread over the first half of the interval rather than all at once:
 * each host is still probed once per interval, but fifty probes in flight together (connections,
 * answers, database writes) outlived the young generation and piled up in the old one, about
 * 1 MB a second of garbage for 50 hosts; spread out, a third less of it gets there.
 */
@Injectable()
export class HostHealthMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly engines: EngineRegistry,
    private readonly hosts: HostsService,
    private readonly leases: Leases,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.healthIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (!this.leases.holds('host-health')) return;
    try {
      const hosts = await this.prisma.db.host.findMany({ select: { id: true } });
      const spacing = this.config.healthIntervalMs / 2 / Math.max(hosts.length, 1);
      const checks: Promise<void>[] = [];
      for (const [i, { id }] of hosts.entries()) {
        if (i > 0) await sleep(spacing, undefined, { ref: false });
        if (this.stopped) break;
        checks.push(this.check(id));
      }
      await Promise.all(checks);
    } catch (error) {
      this.log.warn({ err: error }, 'host health check failed');
    }
  }

  private async check(id: string): Promise<void> {
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    try {
      const engine = await this.engines.get(id);
      if (!engine) return;
      await this.hosts.applyProbe(
        id,
        await probeEngine(engine.client, this.config.engineTimeoutMs),
      );
    } catch (error) {
      // The host may have been removed between listing and probing.
      this.log.debug({ err: error, hostId: id }, 'host check skipped');
    } finally {
      this.inFlight.delete(id);
    }
  }
}
