import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Mutex } from 'redis-semaphore';
import { LOGGER } from '../common/logger.js';
import { settlesWithin } from '../common/settles-within.js';
import type { StreamOpener, StreamSink } from '../realtime/stream-hub.js';
import { QUIT_MS, RedisConnection } from './redis-connection.js';

/** Another replica had the key's engine stream open and died; `last` is the last item seen. */
export interface Takeover<T> {
  last: T | undefined;
}

/** Opens the engine stream of a key: afresh, or going on after a dead holder's last item. */
export type EngineOpener<T> = (
  sink: StreamSink<T>,
  takeover: Takeover<T> | null,
) => Promise<() => void>;

/** A replica's viewers of a key count while refreshed within this long. */
const PRESENT_MS = 6_000;
/** How often a replica refreshes its presence and, without the upstream, tries to take it. */
const TICK_MS = 2_000;
/** A holder that stops refreshing (it died or hangs) loses the upstream within this long. */
const HOLD_MS = 6_000;

const channelOf = (key: string) => `berth:stream:${key}`;
const viewersOf = (key: string) => `berth:stream-viewers:${key}`;
const recentOf = (key: string) => `berth:stream-recent:${key}`;
const leaseOf = (key: string) => `berth:stream-lease:${key}`;

/** What goes over a key's channel: an item of the holder's epoch, or the upstream's end. */
type Message<T> = { e: string; s: number; item: T } | { e: string; end: string };

/**
 * One engine stream per key across replicas (REDIS_URL). Every replica with viewers of a key
 * (its own `StreamHub` entry) subscribes to the key's Redis channel and says so in a sorted set
 * refreshed every 2 s; one of them holds the key's redis-semaphore lease, opens the engine
 * stream and publishes each item (numbered, the last `replay` also kept in a list for replicas
 * that join later) until no replica has viewers left, even when its own viewers left first. A
 * holder that dies loses the lease within 6 s and a replica with viewers opens the stream again
 * (`takeover`), told the last item it saw so the opener can go on from there. Without Redis the opener is the engine's own: one server, one stream per key.
 */
@Injectable()
export class SharedStreams implements OnApplicationShutdown {
  private readonly replica = `${hostname()}:${process.pid}:${randomUUID()}`;
  private subscriber: Promise<Redis> | undefined;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  /** Keys whose engine stream this replica holds, with how to stop it. */
  private readonly held = new Map<string, () => Promise<void>>();

  constructor(
    private readonly redis: RedisConnection,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** How many engine streams this replica holds for the fleet (a debug figure). */
  get holding(): number {
    return this.held.size;
  }

  /** The opener a `StreamHub` uses for `key`: the engine's own, or the fleet's one stream. */
  opener<T>(key: string, replay: number, open: EngineOpener<T>): StreamOpener<T> {
    if (!this.redis.enabled) return (sink) => open(sink, null);
    return (sink) => this.view(key, replay, open, sink);
  }

  async onApplicationShutdown(): Promise<void> {
    // A stream's lease not released (Redis away) lapses with its TTL.
    await settlesWithin(Promise.all([...this.held.values()].map((stop) => stop())), QUIT_MS);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) (await subscriber.catch(() => null))?.disconnect();
  }

  /** This replica's viewers of `key`: items from the channel, presence, and a try for the lease. */
  private async view<T>(
    key: string,
    replay: number,
    open: EngineOpener<T>,
    sink: StreamSink<T>,
  ): Promise<() => void> {
    const client = await this.redis.redis();
    let epoch = '';
    let last = -1;
    let latest: T | undefined;
    let early: string[] | null = [];
    const deliver = (raw: string) => {
      const message = JSON.parse(raw) as Message<T>;
      if ('end' in message) {
        if (message.e === epoch || epoch === '') sink.end(message.end);
        return;
      }
      if (message.e !== epoch) [epoch, last] = [message.e, -1];
      if (message.s <= last) return;
      last = message.s;
      latest = message.item;
      sink.next(message.item);
    };
    const listener = (raw: string) => (early ? early.push(raw) : deliver(raw));
    await this.listen(key, listener);
    await this.present(client, key);
    // Items published before this replica listened, then those that came meanwhile, once each.
    if (replay > 0) for (const raw of await client.lrange(recentOf(key), -replay, -1)) deliver(raw);
    for (const raw of early) deliver(raw);
    early = null;
    let closed = false;
    const tick = async () => {
      await this.present(client, key).catch(() => undefined);
      if (!closed && !this.held.has(key))
        await this.tryHold(client, key, replay, open, epoch === '' ? null : { last: latest });
    };
    void tick();
    const timer = setInterval(() => void tick(), TICK_MS);
    timer.unref();
    return () => {
      closed = true;
      clearInterval(timer);
      void this.unlisten(key, listener);
      void (async () => {
        await client.zrem(viewersOf(key), this.replica);
        // The last viewer anywhere: the stream closes now rather than at the holder's next tick.
        if ((await client.zcard(viewersOf(key))) === 0) await this.held.get(key)?.();
      })().catch(() => undefined);
    };
  }

  private async present(client: Redis, key: string): Promise<void> {
    await client
      .multi()
      .zadd(viewersOf(key), Date.now(), this.replica)
      .pexpire(viewersOf(key), PRESENT_MS * 2)
      .exec();
  }

  /** Takes the key's lease if nobody holds it, and then reads the engine for every replica. */
  private async tryHold<T>(
    client: Redis,
    key: string,
    replay: number,
    open: EngineOpener<T>,
    takeover: Takeover<T> | null,
  ): Promise<void> {
    const { Mutex } = await import('redis-semaphore');
    const mutex: Mutex = new Mutex(client, leaseOf(key), {
      identifier: `${this.replica}:${randomUUID()}`,
      lockTimeout: HOLD_MS,
      refreshInterval: TICK_MS,
      acquireAttemptsLimit: 1,
      onLockLost: () => void stop(),
    });
    if (this.held.has(key) || !(await mutex.tryAcquire().catch(() => false))) return;
    const epoch = randomUUID();
    let seq = 0;
    let close: (() => void) | undefined;
    let ended = false;
    const stop = async () => {
      if (this.held.get(key) !== stop) return;
      this.held.delete(key);
      clearInterval(timer);
      close?.();
      await mutex.release().catch(() => undefined);
    };
    this.held.set(key, stop);
    const publish = (message: Message<T>, keep: boolean) => {
      const raw = JSON.stringify(message);
      const batch = client.multi().publish(channelOf(key), raw);
      if (keep) batch.rpush(recentOf(key), raw).ltrim(recentOf(key), -replay, -1);
      else batch.del(recentOf(key));
      void batch
        .pexpire(recentOf(key), PRESENT_MS * 2)
        .exec()
        .catch(() => undefined);
    };
    const sink: StreamSink<T> = {
      next: (item) => {
        if (!ended) publish({ e: epoch, s: (seq += 1), item }, replay > 0);
      },
      end: (reason) => {
        if (ended) return;
        ended = true;
        publish({ e: epoch, end: reason }, false);
        void stop();
      },
    };
    // The stream is the fleet's while any replica has viewers of it, this one's or not.
    const timer = setInterval(() => {
      void (async () => {
        await client.zremrangebyscore(viewersOf(key), 0, Date.now() - PRESENT_MS);
        if ((await client.zcard(viewersOf(key))) === 0) await stop();
        else await client.pexpire(recentOf(key), PRESENT_MS * 2);
      })().catch(() => undefined);
    }, TICK_MS);
    timer.unref();
    this.log.info(
      { stream: key, takeover: takeover !== null },
      'opened an engine stream for every replica',
    );
    try {
      const opened = await open(sink, takeover);
      if (this.held.get(key) === stop) close = opened;
      else opened();
    } catch (error) {
      sink.end(error instanceof Error ? error.message : String(error));
    }
  }

  /** Listens on the key's channel through the replica's one subscriber connection. */
  private async listen(key: string, listener: (message: string) => void): Promise<void> {
    const subscriber = await this.subscriberConnection();
    const set = this.listeners.get(key);
    if (set) {
      set.add(listener);
      return;
    }
    this.listeners.set(key, new Set([listener]));
    await subscriber.subscribe(channelOf(key));
  }

  private async unlisten(key: string, listener: (message: string) => void): Promise<void> {
    const set = this.listeners.get(key);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(key);
    await (await this.subscriberConnection()).unsubscribe(channelOf(key)).catch(() => undefined);
  }

  private subscriberConnection(): Promise<Redis> {
    this.subscriber ??= (async () => {
      const subscriber = (await this.redis.redis()).duplicate();
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, message: string) => {
        const key = channel.slice(channelOf('').length);
        for (const listener of this.listeners.get(key) ?? []) listener(message);
      });
      return subscriber;
    })();
    return this.subscriber;
  }
}
