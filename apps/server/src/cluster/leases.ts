import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { Mutex } from 'redis-semaphore';
import { LOGGER } from '../common/logger.js';
import { settlesWithin } from '../common/settles-within.js';
import { QUIT_MS, RedisConnection } from './redis-connection.js';

/** The jobs that run on one replica at a time. */
export type LeaseName = 'host-health' | 'git-poll' | 'update-checks' | 'audit-retention';
const NAMES: readonly LeaseName[] = ['host-health', 'git-poll', 'update-checks', 'audit-retention'];

/** A lease not refreshed for this long lapses: a dead holder's job moves within it plus TRY_MS. */
export const LEASE_MS = 6_000;
const REFRESH_MS = 2_000;
/** How often a replica without a lease tries to take it. */
const TRY_MS = 2_000;

/** Where a lease is kept in Redis (redis-semaphore's `mutex:` prefix); its value names the holder. */
export const leaseKey = (name: LeaseName): string => `mutex:berth:lease:${name}`;

/**
 * Jobs that must run once across replicas (the health monitor, git polling, image update checks,
 * audit retention) ask `holds(name)` before each round. With REDIS_URL each name is a
 * redis-semaphore mutex held with a TTL and refreshed while the holder lives, so a replica that
 * dies or hangs loses it within LEASE_MS and another takes it at its next try. A replica that
 * stops releases its leases at once. Without Redis there is one server and it holds every lease.
 */
@Injectable()
export class Leases implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Names this replica's holder identifiers with the process, so an operator can tell who holds what. */
  private readonly identity = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly held = new Map<LeaseName, Mutex>();
  private readonly takers = new Map<LeaseName, (() => void)[]>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  holds(name: LeaseName): boolean {
    return !this.redis.enabled || this.held.get(name)?.isAcquired === true;
  }

  /** Runs `start` each time this replica takes the lease (without Redis: never, it always holds it). */
  onTaken(name: LeaseName, start: () => void): void {
    this.takers.set(name, [...(this.takers.get(name) ?? []), start]);
  }

  onApplicationBootstrap(): void {
    if (!this.redis.enabled) return;
    void this.tryAll();
    this.timer = setInterval(() => void this.tryAll(), TRY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const mutexes = [...this.held.values()];
    this.held.clear();
    // One not released (Redis away) lapses with its TTL.
    await settlesWithin(
      Promise.all(mutexes.map((mutex) => mutex.release().catch(() => undefined))),
      QUIT_MS,
    );
  }

  private async tryAll(): Promise<void> {
    const { Mutex } = await import('redis-semaphore');
    const client = await this.redis.redis().catch(() => null);
    if (!client) return;
    for (const name of NAMES) {
      if (this.stopped || this.held.get(name)?.isAcquired) continue;
      const mutex = new Mutex(client, `berth:lease:${name}`, {
        identifier: `${this.identity}:${name}`,
        lockTimeout: LEASE_MS,
        refreshInterval: REFRESH_MS,
        acquireAttemptsLimit: 1,
        onLockLost: () => {
          if (this.held.get(name) === mutex) this.held.delete(name);
          this.log.warn({ lease: name }, 'lost a replica lease; another replica runs the job');
        },
      });
      try {
        if (!(await mutex.tryAcquire())) continue;
      } catch (error) {
        this.log.debug({ err: error, lease: name }, 'could not try a replica lease');
        continue;
      }
      if (this.stopped) {
        await mutex.release().catch(() => undefined);
        return;
      }
      this.held.set(name, mutex);
      this.log.info({ lease: name }, 'took a replica lease; this replica runs the job');
      for (const start of this.takers.get(name) ?? []) start();
    }
  }
}
