import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { settlesWithin } from '../common/settles-within.js';
import { CONFIG, type Config, redactUrl } from '../config/config.js';

/**
 * How long stopping waits on Redis (a goodbye, a lease released) before going on without it:
 * Redis may be away, and ioredis would wait for it for ever.
 */
export const QUIT_MS = 1_000;

/**
 * The one Redis connection of a replica (REDIS_URL), for the socket.io adapter, leases and
 * locks. Without REDIS_URL there is none and `ioredis` is never loaded: one server keeps all of
 * that in its own memory. ioredis reconnects by itself; commands sent meanwhile wait for it.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private client: Redis | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Whether replicas share state through Redis. */
  get enabled(): boolean {
    return this.config.redisUrl !== null;
  }

  /** Connects once (the first caller waits for it); throws when REDIS_URL is not set. */
  async redis(): Promise<Redis> {
    if (this.client) return this.client;
    const url = this.config.redisUrl;
    if (!url) throw new Error('REDIS_URL is not set');
    const { Redis } = await import('ioredis');
    if (this.client) return this.client;
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    let lastError = '';
    client.on('error', (error: Error) => {
      // ioredis repeats the same failure on every retry: say it once per change.
      if (error.message === lastError) return;
      lastError = error.message;
      this.log.warn(`Redis at ${redactUrl(url)} (REDIS_URL): ${error.message}`);
    });
    client.on('ready', () => (lastError = ''));
    this.client = client;
    await client.connect();
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (!(await settlesWithin(client.quit(), QUIT_MS))) client.disconnect();
  }
}
