import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Mutex } from 'redis-semaphore';
import { RedisConnection } from '../cluster/redis-connection.js';

/** A deploy lock not refreshed for this long (its holder died) lapses. */
const LOCK_MS = 30_000;
const REFRESH_MS = 10_000;
/** A queued follow-up nobody started within this long is forgotten (its replica died). */
const FOLLOW_UP_MS = 10 * 60_000;

const lockKey = (stackId: string) => `berth:stack:${stackId}`;
const deploymentKey = (stackId: string) => `berth:stack-deployment:${stackId}`;
const followUpKey = (stackId: string) => `berth:stack-follow-up:${stackId}`;
const joinedKey = (stackId: string) => `berth:stack-follow-up-joined:${stackId}`;

/** A stack's deploy lock, held while one deployment of it is being recorded and run. */
export interface StackLock {
  /** Tells other replicas which deployment holds the stack. */
  running(deploymentId: string): Promise<void>;
  release(): Promise<void>;
}

/** Where the stack's queued webhook follow-up stands across replicas. */
export interface FollowUpJoin {
  deploymentId: string;
  /** This replica recorded it, so this replica starts it. */
  mine: boolean;
}

/** Without Redis there is one server: its in-process bookkeeping is the lock. */
const LOCAL: StackLock = { running: () => Promise.resolve(), release: () => Promise.resolve() };

/**
 * Stack deployments across replicas (REDIS_URL): one deployment at a time per stack
 * (a redis-semaphore mutex with a TTL, refreshed while the deployment runs), and one queued
 * webhook follow-up per stack that every replica's triggers join. Without Redis every call
 * answers as for a single server and the in-process bookkeeping of `StackDeployer` and
 * `StackWebhookQueue` is all there is.
 */
@Injectable()
export class StackLocks {
  constructor(private readonly redis: RedisConnection) {}

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

  /**
   * Joins the stack's queued follow-up, or records one with `record` when there is none. Every
   * join moves the follow-up's quiet period on (`quietSince`).
   */
  async joinFollowUp(stackId: string, record: () => Promise<string>): Promise<FollowUpJoin> {
    const client = await this.redis.redis();
    return this.underFollowUpLock(client, stackId, async () => {
      await client.set(joinedKey(stackId), String(Date.now()), 'PX', FOLLOW_UP_MS);
      const queued = await client.get(followUpKey(stackId));
      if (queued) return { deploymentId: queued, mine: false };
      const deploymentId = await record();
      await client.set(followUpKey(stackId), deploymentId, 'PX', FOLLOW_UP_MS);
      return { deploymentId, mine: true };
    });
  }

  /** Whether a follow-up of the stack is queued on any replica (triggers then join it). */
  async hasFollowUp(stackId: string): Promise<boolean> {
    const client = await this.redis.redis();
    return (await client.exists(followUpKey(stackId))) === 1;
  }

  /** When a trigger last joined the stack's follow-up (Date.now()), on any replica. */
  async quietSince(stackId: string): Promise<number> {
    const client = await this.redis.redis();
    return Number((await client.get(joinedKey(stackId))) ?? 0);
  }

  /** Takes the follow-up off the queue as it starts: later triggers record a new one. */
  async startFollowUp(stackId: string, deploymentId: string): Promise<void> {
    const client = await this.redis.redis();
    await this.underFollowUpLock(client, stackId, async () => {
      if ((await client.get(followUpKey(stackId))) === deploymentId) {
        await client.del(followUpKey(stackId), joinedKey(stackId));
      }
    });
  }

  private async underFollowUpLock<T>(
    client: Redis,
    stackId: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const mutex = await this.mutex(client, `berth:stack-follow-up-lock:${stackId}`, {
      lockTimeout: 5_000,
      acquireTimeout: 10_000,
      retryInterval: 20,
    });
    await mutex.acquire();
    try {
      return await work();
    } finally {
      await mutex.release().catch(() => undefined);
    }
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
