import { EventEmitter } from 'node:events';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { HostEvents, type HostStatusEvent } from '../hosts/host-events.js';
import { HostInventory, type InventoryChange } from './host-inventory.js';
import type { InventoryEntry } from './inventory-entry.js';

/**
 * Every host's containers, in memory, kept current from the engines' event streams. Hosts are
 * followed from start-up and as they appear; the health monitor's status changes reconnect a host
 * at once or mark it stale. The fleet list and the summary are answered from here.
 */
@Injectable()
export class ContainerInventory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly hosts = new Map<string, HostInventory>();
  private readonly emitter = new EventEmitter();
  private stopStatus: (() => void) | undefined;
  private stopped = false;
  /** Bumped on every change, so readers can cache what they derive from the inventory. */
  version = 0;

  constructor(
    private readonly prisma: PrismaService,
    private readonly engines: EngineRegistry,
    private readonly hostEvents: HostEvents,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopStatus = this.hostEvents.onStatus((event) => this.onStatus(event));
    const hosts = await this.prisma.db.host.findMany({ select: { id: true } });
    for (const { id } of hosts) this.follow(id);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.stopStatus?.();
    for (const host of this.hosts.values()) host.stop();
    this.hosts.clear();
  }

  /** The hosts followed, in no particular order. */
  all(): HostInventory[] {
    return [...this.hosts.values()];
  }

  host(hostId: string): HostInventory | null {
    return this.hosts.get(hostId) ?? null;
  }

  /** A container by full id, name or unique id prefix, as the engine accepts them. */
  find(hostId: string, ref: string): InventoryEntry | null {
    const host = this.hosts.get(hostId);
    if (!host) return null;
    const exact = host.entries.get(ref);
    if (exact) return exact;
    const name = ref.replace(/^\//, '');
    let prefixed: InventoryEntry | null = null;
    let prefixes = 0;
    for (const entry of host.entries.values()) {
      if (entry.summary.name === name) return entry;
      if (/^[0-9a-f]{3,}$/.test(ref) && entry.summary.id.startsWith(ref)) {
        prefixed = entry;
        prefixes += 1;
      }
    }
    return prefixes === 1 ? prefixed : null;
  }

  onChange(listener: (change: InventoryChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  private onStatus(event: HostStatusEvent): void {
    const host = this.follow(event.hostId);
    if (!host) return;
    if (event.status === 'up') host.kick();
    else host.lost();
  }

  private follow(hostId: string): HostInventory | null {
    if (this.stopped) return null;
    let host = this.hosts.get(hostId);
    if (host) return host;
    host = new HostInventory(hostId, {
      engines: this.engines,
      log: this.log,
      timeoutMs: this.config.engineTimeoutMs,
      changed: (change) => this.changed(change),
      gone: (id) => this.forget(id),
    });
    this.hosts.set(hostId, host);
    host.start();
    return host;
  }

  /** A removed host's containers are dropped (and announced as removed). */
  private forget(hostId: string): void {
    const host = this.hosts.get(hostId);
    if (!host) return;
    host.stop();
    this.hosts.delete(hostId);
    for (const id of host.entries.keys()) this.changed({ kind: 'remove', hostId, id });
    this.changed({ kind: 'counts', hostId });
  }

  private changed(change: InventoryChange): void {
    this.version += 1;
    this.emitter.emit('change', change);
  }
}
