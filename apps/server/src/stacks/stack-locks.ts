import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Mutex } from 'redis-semaphore';
import { RedisConnection } from '../cluster/redis-connection.js';
import { LOGGER } from '../common/logger.js';

/** A deploy lock not refreshed for this long (its holder died) lapses. */
const LOCK_MS = 30_000;
const REFRESH_MS = 10_000;

const lockKey = (stackId: string) => `berth:stack:${stackId}`;
const deploymentKey = (stackId: string) => `berth:stack-deployment:${stackId}`;

/** A stack's deploy lock, held while one deployment of it is being recorded and run. */
export interface StackLock {
  /** Tells other replicas which deployment holds the stack. */
  running(deploymentId: string): Promise<void>;
  release(): Promise<void>;
}

/** Without Redis there is one server: its in-process bookkeeping is the lock. */
const LOCAL: StackLock = { running: () => Promise.resolve(), release: () => Promise.resolve() };

/**
 * Stack deployments across replicas (REDIS_URL): one deployment at a time per stack
 * (a redis-semaphore mutex with a TTL, refreshed while the deployment runs); webhook redeploys
 * wait for it (`StackWebhookQueue.idle`). Without Redis every call answers as for a single server
 * and the in-process bookkeeping of `StackDeployer` is all there is.
 */
@Injectable()
export class StackLocks {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  get shared(): boolean {
    return this.redis.enabled;
  }

  /** Takes the stack's lock, or answers the deployment (or `starting`) that holds it. */
  async take(stackId: string): Promise<StackLock | { busyWith: string }> {
    if (!this.redis.enabled) return LOCAL;
    const client = await this.redis.redis();
    const mutex = await this.mutex(client, lockKey(stackId), {
      lockTimeout: LOCK_MS,
      refreshInterval: REFRESH_MS,
      acquireAttemptsLimit: 1,
      // Redis away longer than the lock lasts: the deployment goes on, but another replica may
      // start one of the same stack meanwhile. Said, never thrown from the refresh timer (which
      // would stop this replica).
      onLockLost: (error) =>
        this.log.warn(
          { stackId, reason: error.message },
          'a stack deploy lock lapsed while Redis was unreachable',
        ),
    });
    if (!(await mutex.tryAcquire())) {
      return { busyWith: (await client.get(deploymentKey(stackId))) ?? 'starting' };
    }
    await client.set(deploymentKey(stackId), 'starting', 'PX', LOCK_MS);
    return {
      running: async (deploymentId) => {
        await client.set(deploymentKey(stackId), deploymentId);
      },
      release: async () => {
        await client.del(deploymentKey(stackId)).catch(() => undefined);
        await mutex.release().catch(() => undefined);
      },
    };
  }

  /** Whether any replica holds the stack's lock. */
  async busy(stackId: string): Promise<boolean> {
    if (!this.redis.enabled) return false;
    const client = await this.redis.redis();
    return (await client.exists(`mutex:${lockKey(stackId)}`)) === 1;
  }

  private async mutex(
    client: Redis,
    key: string,
    options: ConstructorParameters<typeof Mutex>[2],
  ): Promise<Mutex> {
    const { Mutex } = await import('redis-semaphore');
    return new Mutex(client, key, { identifier: randomUUID(), ...options });
  }
}
