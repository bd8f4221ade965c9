import type { IncomingMessage } from 'node:http';
import type { TContainerSummary, TInventoryChange } from '@berth/shared';
import type { Logger } from 'pino';
import type { EngineConnection } from '../docker/engine-connection.js';
import type { EngineRegistry } from '../hosts/engine-registry.js';
import { openEngineStream } from './engine-stream.js';
import { type EngineContainer, type InventoryEntry, toInventoryEntry } from './inventory-entry.js';
import { onJsonLines } from './json-lines.js';

/** What the inventory tells its listeners: container changes, and image/volume/network counts. */
export type InventoryChange = TInventoryChange | { kind: 'counts'; hostId: string };

export interface HostInventoryDeps {
  engines: EngineRegistry;
  log: Logger;
  timeoutMs: number;
  changed(change: InventoryChange): void;
  /** The host no longer exists. */
  gone(hostId: string): void;
}

export interface HostCounts {
  images: number;
  volumes: number;
  networks: number;
}

interface EngineEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string };
}

/** Containers are followed for the list; the other types only move the summary's counts. */
const WATCHED_TYPES = ['container', 'image', 'volume', 'network'];
/** Container events that change nothing the list shows. */
const IGNORED_ACTIONS =
  /^(exec_|attach$|detach$|resize$|top$|export$|copy$|archive-path$|extract-to-dir$|commit$)/;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
const COUNT_DEBOUNCE_MS = 1_000;

/**
 * The live containers of one host: a full list when the engine's event stream is (re)opened, then
 * one re-list of a single container per event. When the stream breaks, the entries are kept but
 * marked stale and the stream is reopened with backoff (at once when the host is seen up again).
 */
export class HostInventory {
  readonly entries = new Map<string, InventoryEntry>();
  name = '';
  stale = true;
  /** When the engine last confirmed the list. */
  updatedAt: Date | null = null;
  counts: HostCounts | null = null;

  private events: IncomingMessage | null = null;
  private connecting = false;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private countTimer: NodeJS.Timeout | undefined;
  /** Ids seen in events while the full list is being read; refreshed once it is in. */
  private listing: Set<string> | null = null;
  private readonly refreshing = new Map<string, { again: boolean }>();

  constructor(
    readonly hostId: string,
    private readonly deps: HostInventoryDeps,
  ) {}

  get connected(): boolean {
    return this.events !== null && !this.stale;
  }

  start(): void {
    void this.connect();
  }

  /** The engine was seen up: reconnect now rather than when the backoff ends. */
  kick(): void {
    if (this.stopped || this.events || this.connecting) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryMs = RETRY_MIN_MS;
    void this.connect();
  }

  /** The engine was seen down: what is held is stale until the stream is back. */
  lost(): void {
    this.markStale();
    this.events?.destroy();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.countTimer);
    this.events?.destroy();
    this.events = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting || this.events) return;
    this.connecting = true;
    try {
      const engine = await this.deps.engines.get(this.hostId);
      if (!engine) {
        this.deps.gone(this.hostId);
        return;
      }
      this.name = engine.name;
      const connection = engine.connection;
      const filters = encodeURIComponent(JSON.stringify({ type: WATCHED_TYPES }));
      const stream = await openEngineStream(connection, {
        path: `/events?filters=${filters}`,
        timeoutMs: this.deps.timeoutMs,
      });
      if (this.stopped) {
        stream.destroy();
        return;
      }
      this.events = stream;
      this.listing = new Set();
      stream.on('error', () => undefined);
      stream.once('close', () => this.closed(stream));
      onJsonLines(stream, (event) => this.apply(event as EngineEvent, connection));
      // The stream is open before the list is read, so nothing that happens in between is missed.
      const listed = (await connection.docker.listContainers({ all: true })) as EngineContainer[];
      if (this.events !== stream) return;
      this.reconcile(listed);
      const seen = this.listing;
      this.listing = null;
      for (const id of seen) this.refresh(id, connection);
      this.retryMs = RETRY_MIN_MS;
      this.scheduleCount(connection, 0);
    } catch (error) {
      this.deps.log.debug({ err: error, hostId: this.hostId }, 'inventory: cannot follow host');
      this.listing = null;
      if (this.events) this.events.destroy();
      else {
        this.markStale();
        this.scheduleRetry();
      }
    } finally {
      this.connecting = false;
    }
  }

  private closed(stream: IncomingMessage): void {
    if (this.events !== stream) return;
    this.events = null;
    this.listing = null;
    this.markStale();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.connecting) this.scheduleRetry();
      else void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private apply(event: EngineEvent, connection: EngineConnection): void {
    if (event.Type !== 'container') {
      this.scheduleCount(connection, COUNT_DEBOUNCE_MS);
      return;
    }
    const id = event.Actor?.ID ?? event.id;
    const action = event.Action ?? '';
    if (!id || IGNORED_ACTIONS.test(action)) return;
    if (this.listing) this.listing.add(id);
    else if (action === 'destroy') {
      this.remove(id);
      // A refresh already under way may have listed it just before; it must look once more.
      const running = this.refreshing.get(id);
      if (running) running.again = true;
    } else this.refresh(id, connection);
  }

  /** Re-lists one container; events for it that arrive meanwhile make it run once more after. */
  private refresh(id: string, connection: EngineConnection): void {
    const running = this.refreshing.get(id);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    this.refreshing.set(id, state);
    void (async () => {
      try {
        while (state.again && !this.stopped) {
          state.again = false;
          // The engine announces some changes (die, pause) just before its list shows them, but
          // it holds the container's lock until then, and inspect waits for that lock.
          const exists = await connection.docker
            .getContainer(id)
            .inspect()
            .then(
              () => true,
              (error: { statusCode?: number }) => {
                if (error.statusCode === 404) return false;
                throw error;
              },
            );
          if (!exists) {
            this.remove(id);
            continue;
          }
          const found = (await connection.docker.listContainers({
            all: true,
            filters: { id: [id] },
          })) as EngineContainer[];
          const raw = found.find((c) => c.Id === id);
          if (raw) this.upsert(raw);
          else this.remove(id);
        }
      } catch (error) {
        // The stream breaking will mark the host stale and re-list everything.
        this.deps.log.debug({ err: error, hostId: this.hostId, id }, 'inventory: refresh failed');
      } finally {
        this.refreshing.delete(id);
      }
    })();
  }

  private upsert(raw: EngineContainer): void {
    const now = new Date();
    const entry = toInventoryEntry(raw, this.hostId, now);
    this.entries.set(entry.summary.id, entry);
    this.deps.changed({ kind: 'upsert', hostId: this.hostId, container: this.present(entry) });
  }

  private remove(id: string): void {
    if (!this.entries.delete(id)) return;
    this.deps.changed({ kind: 'remove', hostId: this.hostId, id });
  }

  private reconcile(listed: EngineContainer[]): void {
    const now = new Date();
    const present = new Set<string>();
    for (const raw of listed) {
      present.add(raw.Id);
      const entry = toInventoryEntry(raw, this.hostId, now);
      const before = this.entries.get(raw.Id);
      this.entries.set(raw.Id, entry);
      if (!before || !sameContent(before, entry)) {
        this.deps.changed({ kind: 'upsert', hostId: this.hostId, container: this.present(entry) });
      }
    }
    for (const id of [...this.entries.keys()]) if (!present.has(id)) this.remove(id);
    this.stale = false;
    this.updatedAt = now;
    this.deps.changed({
      kind: 'host',
      hostId: this.hostId,
      stale: false,
      updatedAt: now.toISOString(),
    });
  }

  private markStale(): void {
    if (this.stale) return;
    this.stale = true;
    this.deps.changed({
      kind: 'host',
      hostId: this.hostId,
      stale: true,
      updatedAt: this.updatedAt?.toISOString() ?? null,
    });
  }

  private scheduleCount(connection: EngineConnection, delay: number): void {
    if (this.countTimer) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      void this.count(connection);
    }, delay);
    this.countTimer.unref();
  }

  private async count(connection: EngineConnection): Promise<void> {
    try {
      const [images, volumes, networks] = await Promise.all([
        connection.docker.listImages(),
        connection.docker.listVolumes(),
        connection.docker.listNetworks(),
      ]);
      this.counts = {
        images: images.length,
        volumes: volumes.Volumes?.length ?? 0,
        networks: networks.length,
      };
      this.deps.changed({ kind: 'counts', hostId: this.hostId });
    } catch (error) {
      this.deps.log.debug({ err: error, hostId: this.hostId }, 'inventory: counting failed');
    }
  }

  /** The summary as answered, with the host's name and freshness. */
  present(entry: InventoryEntry): TContainerSummary {
    return { ...entry.summary, hostName: this.name, stale: this.stale };
  }
}

function sameContent(a: InventoryEntry, b: InventoryEntry): boolean {
  const { updatedAt: _a, ...left } = a.summary;
  const { updatedAt: _b, ...right } = b.summary;
  return JSON.stringify(left) === JSON.stringify(right);
}
