import type { TContainerSummary, TInventoryChange } from '@berth/shared';
import type { Logger } from 'pino';
import type { EngineClient } from '../docker/engine-client.js';
import { EngineError } from '../docker/engine-error.js';
import type { EngineEventMessage } from '../docker/engine-events.js';
import type { EngineRegistry } from '../hosts/engine-registry.js';
import { type EngineContainer, type InventoryEntry, toInventoryEntry } from './inventory-entry.js';
import {
  type ImageEntry,
  type NetworkEntry,
  toImageEntry,
  toNetworkEntry,
  toVolumeEntry,
  type VolumeEntry,
} from './resource-entry.js';

/** What the inventory tells its listeners: container changes, and that images, volumes or networks changed. */
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

/** The inventory's share of the host's one events stream; its identity tells one share from the next. */
interface Subscription {
  leave: () => void;
}

/** Containers are followed one by one; an event of another type lists that type's objects again. */
const WATCHED_TYPES = new Set(['container', 'image', 'volume', 'network']);
/** Container events that change nothing the list shows. */
const IGNORED_ACTIONS =
  /^(exec_|attach$|detach$|resize$|top$|export$|copy$|archive-path$|extract-to-dir$|commit$)/;
/**
 * Events the engine sends while it still holds the container's lock, before its list shows the
 * change (it logs `die` and `pause` first and writes the new state after). An inspect waits for
 * that lock, so such containers are inspected before they are listed again.
 */
const LOCKED_ACTIONS = /^(die|kill|oom|stop|restart|pause|unpause)$/;
/** Up to this many changed containers are re-listed by id; more, and the whole host is listed. */
const MAX_LISTED_BY_ID = 32;
/** Event-driven refreshes of one host start at least this far apart. */
const REFRESH_GAP_MS = 100;
/** After a failed refresh, the next waits this long. */
const REFRESH_RETRY_MS = 1_000;
/** Inspects run at most this many at a time. */
const INSPECT_CONCURRENCY = 4;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
/** Image, volume and network events within this long cost one listing of all three. */
const RESOURCES_DEBOUNCE_MS = 250;

/** What the inventory has asked the engine, for tests and diagnostics. */
export interface HostInventoryActivity {
  /** Container events that could change the list. */
  events: number;
  /** Container lists, whole or by id. */
  lists: number;
  /** Of those, lists of every container. */
  fullLists: number;
  inspects: number;
}

/**
 * The live containers of one host: a full list when it joins the host's shared event stream
 * (`EngineClient.events`, again after the stream broke), then
 * refreshes driven by its events. When the stream breaks, the entries are kept but marked stale and
 * the stream is reopened with backoff (at once when the host is seen up again).
 *
 * Events are batched rather than answered one by one: a storm of thousands of creates must not
 * become thousands of engine calls, each costing the engine a walk over its containers and us the
 * parsing. Events only mark a container dirty; at most one refresh runs per host, and what arrives
 * meanwhile waits for one trailing refresh, started no sooner than REFRESH_GAP_MS (or as long as
 * the last refresh took) after the previous one ended, so a storm costs a handful of calls per
 * second whatever its rate, and a lone change is still listed at once. A refresh re-lists the
 * dirty containers by id in one call when they are few, or lists the whole host and reconciles
 * when they are many (one list is cheaper than an id filter the engine matches against every
 * container). Building entries from single inspects was not chosen: an inspect lacks the list's
 * status text and port summary, and would still be one call per container.
 */
export class HostInventory {
  readonly entries = new Map<string, InventoryEntry>();
  name = '';
  stale = true;
  /** When the engine last confirmed the list. */
  updatedAt: Date | null = null;
  counts: HostCounts | null = null;
  /** When the listing of the images, networks and volumes below was asked of the engine. */
  resourcesListedAt: Date | null = null;
  /** The host's images, networks and volumes by id (volumes by name); replaced whole on each listing. */
  images = new Map<string, ImageEntry>();
  networks = new Map<string, NetworkEntry>();
  volumes = new Map<string, VolumeEntry>();
  readonly activity: HostInventoryActivity = { events: 0, lists: 0, fullLists: 0, inspects: 0 };

  private events: Subscription | null = null;
  private client: EngineClient | null = null;
  private connecting = false;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private countTimer: NodeJS.Timeout | undefined;
  /** The last image/volume/network listing started, and the last one applied. */
  private resourcesSeq = 0;
  private resourcesApplied = 0;
  /** Containers named by events since the last refresh began; true when one must be inspected first. */
  private readonly dirty = new Map<string, boolean>();
  /** The list under way (the full list on connect, or a refresh); null when none is. */
  private listing: object | null = null;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** When the next refresh may start at the earliest. */
  private nextRefreshAt = 0;

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
    if (this.events) this.drop(this.events);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.countTimer);
    clearTimeout(this.refreshTimer);
    this.events?.leave();
    this.events = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting || this.events) return;
    this.connecting = true;
    const listing = {};
    try {
      const engine = await this.deps.engines.get(this.hostId);
      if (!engine) {
        this.deps.gone(this.hostId);
        return;
      }
      this.name = engine.name;
      const client = engine.client;
      const subscription: Subscription = { leave: () => undefined };
      subscription.leave = await client.events.subscribe({
        event: (event) => {
          if (this.events === subscription) this.apply(event);
        },
        end: () => this.closed(subscription),
      });
      if (this.stopped) {
        subscription.leave();
        return;
      }
      this.events = subscription;
      this.client = client;
      // Events arriving while the full list is read wait for the refresh that follows it.
      this.listing = listing;
      this.dirty.clear();
      // The stream is open before the list is read, so nothing that happens in between is missed.
      const listed = await this.list(client, null);
      if (this.events !== subscription) return;
      this.reconcile(listed, true);
      this.retryMs = RETRY_MIN_MS;
      this.scheduleCount(client, 0);
    } catch (error) {
      this.deps.log.debug({ err: error, hostId: this.hostId }, 'inventory: cannot follow host');
      if (this.events) this.drop(this.events);
      else {
        this.markStale();
        this.scheduleRetry();
      }
    } finally {
      if (this.listing === listing) this.listing = null;
      this.connecting = false;
      this.scheduleRefresh();
    }
  }

  /** Leaves the shared stream (others may stay on it) and follows the host anew, as if it broke. */
  private drop(subscription: Subscription): void {
    subscription.leave();
    this.closed(subscription);
  }

  private closed(subscription: Subscription): void {
    if (this.events !== subscription) return;
    this.events = null;
    this.client = null;
    // The full list on reconnect covers whatever was waiting.
    this.dirty.clear();
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
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

  private apply(event: EngineEventMessage): void {
    if (!WATCHED_TYPES.has(event.Type ?? '')) return;
    if (event.Type !== 'container') {
      if (this.client) this.scheduleCount(this.client, RESOURCES_DEBOUNCE_MS);
      // A container joining or leaving a network changes what its list entry says it uses.
      const container = event.Actor?.Attributes?.container;
      if (
        event.Type === 'network' &&
        container &&
        /^(connect|disconnect)$/.test(event.Action ?? '')
      )
        this.markDirty(container, false);
      return;
    }
    const id = event.Actor?.ID ?? event.id;
    const action = event.Action ?? '';
    if (!id || IGNORED_ACTIONS.test(action)) return;
    this.activity.events += 1;
    if (action === 'destroy') {
      this.remove(id);
      // A list under way may have seen it just before: only then must it be looked at again.
      if (this.listing) this.markDirty(id, false);
      return;
    }
    this.markDirty(id, LOCKED_ACTIONS.test(action));
  }

  private markDirty(id: string, locked: boolean): void {
    this.dirty.set(id, locked || this.dirty.get(id) === true);
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.stopped || this.listing || this.refreshTimer || !this.events) return;
    if (this.dirty.size === 0) return;
    const delay = Math.max(0, this.nextRefreshAt - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, delay);
    this.refreshTimer.unref();
  }

  /** Brings the dirty containers up to date; see the class comment for how. */
  private async refresh(): Promise<void> {
    const stream = this.events;
    const client = this.client;
    if (!stream || !client || this.listing || this.dirty.size === 0) return;
    const listing = {};
    this.listing = listing;
    const batch = new Map(this.dirty);
    this.dirty.clear();
    const started = Date.now();
    let failed = false;
    try {
      await this.waitForLocks(
        client,
        [...batch].filter(([, locked]) => locked).map(([id]) => id),
      );
      const ids = batch.size > MAX_LISTED_BY_ID ? null : [...batch.keys()];
      const listed = await this.list(client, ids);
      if (this.events !== stream) return;
      if (!ids) {
        this.reconcile(listed, false);
        return;
      }
      const found = new Set<string>();
      for (const raw of listed) {
        if (!batch.has(raw.Id)) continue;
        found.add(raw.Id);
        this.upsert(raw);
      }
      for (const id of ids) if (!found.has(id)) this.remove(id);
    } catch (error) {
      failed = true;
      this.deps.log.debug({ err: error, hostId: this.hostId }, 'inventory: refresh failed');
      // Tried again unless the stream broke meanwhile (reconnecting lists everything).
      if (this.events === stream) {
        for (const [id, locked] of batch) this.dirty.set(id, locked || this.dirty.get(id) === true);
      }
    } finally {
      const took = Date.now() - started;
      this.nextRefreshAt =
        Date.now() + (failed ? REFRESH_RETRY_MS : Math.max(REFRESH_GAP_MS, took));
      if (this.listing === listing) this.listing = null;
      this.scheduleRefresh();
    }
  }

  /** Inspects each container, a few at a time; one that is gone needs no waiting for. */
  private async waitForLocks(client: EngineClient, ids: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        this.activity.inspects += 1;
        await client
          .json({
            path: `/containers/${encodeURIComponent(id)}/json`,
            timeoutMs: this.deps.timeoutMs,
          })
          .catch((error: unknown) => {
            if (EngineError.from(error).kind === 'not_found') return;
            throw error;
          });
      }
    };
    await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, ids.length) }, worker));
  }

  /** Every container, or those with the given ids. */
  private list(client: EngineClient, ids: string[] | null): Promise<EngineContainer[]> {
    this.activity.lists += 1;
    if (!ids) this.activity.fullLists += 1;
    const filters = ids ? `&filters=${encodeURIComponent(JSON.stringify({ id: ids }))}` : '';
    return client.json<EngineContainer[]>({
      path: `/containers/json?all=1${filters}`,
      timeoutMs: this.deps.timeoutMs,
    });
  }

  private upsert(raw: EngineContainer): void {
    const entry = toInventoryEntry(raw, this.hostId, new Date());
    const before = this.entries.get(raw.Id);
    this.entries.set(raw.Id, entry);
    if (!before || !sameContent(before, entry)) {
      this.deps.changed({ kind: 'upsert', hostId: this.hostId, container: this.present(entry) });
    }
  }

  private remove(id: string): void {
    if (!this.entries.delete(id)) return;
    this.deps.changed({ kind: 'remove', hostId: this.hostId, id });
  }

  /**
   * Makes the entries what a full list says. `announce` tells listeners the host is fresh (after
   * connecting); a refresh during a storm only moves `updatedAt`.
   */
  private reconcile(listed: EngineContainer[], announce: boolean): void {
    const now = new Date();
    const present = new Set<string>();
    for (const raw of listed) {
      present.add(raw.Id);
      this.upsert(raw);
    }
    for (const id of [...this.entries.keys()]) if (!present.has(id)) this.remove(id);
    this.updatedAt = now;
    if (!announce) return;
    this.stale = false;
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

  private scheduleCount(client: EngineClient, delay: number): void {
    if (this.countTimer) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      void this.listResources(client);
    }, delay);
    this.countTimer.unref();
  }

  /**
   * Lists the host's images, volumes and networks again, whole: they change seldom and one list
   * each is cheaper than following every event. A listing that started before a newer one ended is
   * dropped, so an old answer never replaces a newer one.
   */
  private async listResources(client: EngineClient): Promise<void> {
    const seq = ++this.resourcesSeq;
    const askedAt = new Date();
    try {
      const [images, volumes, networks] = await Promise.all([
        client.listImages(),
        client.listVolumes(),
        client.listNetworks(),
      ]);
      if (seq < this.resourcesApplied) return;
      this.resourcesApplied = seq;
      this.images = new Map(images.map((raw) => [raw.Id, toImageEntry(raw, this.hostId)]));
      this.networks = new Map(networks.map((raw) => [raw.Id, toNetworkEntry(raw, this.hostId)]));
      this.volumes = new Map(volumes.map((raw) => [raw.Name, toVolumeEntry(raw, this.hostId)]));
      this.counts = { images: images.length, volumes: volumes.length, networks: networks.length };
      this.resourcesListedAt = askedAt;
      this.deps.changed({ kind: 'counts', hostId: this.hostId });
    } catch (error) {
      this.deps.log.debug({ err: error, hostId: this.hostId }, 'inventory: listing failed');
      // Tried again while the stream is up; a reconnect lists them anyway.
      if (this.client === client) this.scheduleCount(client, REFRESH_RETRY_MS);
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
  return JSON.stringify([left, a.uses]) === JSON.stringify([right, b.uses]);
}
