import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Runs `work` while holding the short redis-semaphore mutex `key`, waiting up to 10 s for it: a
 * few Redis reads and writes that replicas must not interleave. The lock lapses after 5 s if its
 * holder dies.
 */
export async function underRedisLock<T>(
  client: Redis,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const { Mutex } = await import('redis-semaphore');
  const mutex = new Mutex(client, key, {
    identifier: randomUUID(),
    lockTimeout: 5_000,
    acquireTimeout: 10_000,
    retryInterval: 20,
    // A refresh Redis does not answer would otherwise throw from a timer and stop the process;
    // the work is a few commands, and a caller that waits on Redis bounds the wait itself.
    onLockLost: () => undefined,
  });
  await mutex.acquire();
  try {
    return await work();
  } finally {
    await mutex.release().catch(() => undefined);
  }
}
