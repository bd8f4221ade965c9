import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TestBerth, waitFor } from './support/berth.js';
import { PgProxy } from './support/pg-proxy.js';
import { redisDatabase, testRedisBase } from './support/webhook-jobs.js';

/**
 * A replica (REDIS_URL, through a TCP relay that can go silent) that stops while its Redis does
 * not answer: it closes every connection it had to Redis and opens none again. Fails when the
 * socket.io adapter's connections are left to the adapter (its reader waits on its read and
 * reconnects for ever), and when stopping waits on Redis without a bound (releasing leases: the
 * replica's own connection is then never closed).
 */
jest.setTimeout(90_000);

const onRedis = testRedisBase ? describe : describe.skip;

onRedis('a replica stopping while its Redis does not answer', () => {
  let redis: Awaited<ReturnType<typeof redisDatabase>>;
  let proxy: PgProxy;

  beforeAll(async () => {
    redis = await redisDatabase();
    proxy = await PgProxy.start(redis.url);
  });

  afterAll(async () => {
    await proxy?.stop();
    await redis?.drop();
  });

  it('closes every connection it had to Redis and opens none again', async () => {
    const replica = await TestBerth.start({
      REDIS_URL: proxy.url(new URL(redis.url).pathname.slice(1)),
    });
    // The replica's own connection, the socket.io adapter's and the webhook jobs' are up.
    await replica.adminToken();
    expect(proxy.open).toBeGreaterThanOrEqual(3);

    proxy.silence();
    await replica.stop();
    await waitFor(() => Promise.resolve(proxy.open === 0), 10_000, 'every connection closed');
    const accepted = proxy.accepted;
    // ioredis tries again within 2 s of a lost connection: a connection left behind would have.
    await sleep(3_000);
    expect(proxy.accepted).toBe(accepted);
    expect(proxy.open).toBe(0);
  });
});
