import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisConnection } from '../src/cluster/redis-connection.js';
import type { Config } from '../src/config/config.js';
import { WebhookJobs } from '../src/webhooks/webhook-jobs.js';
import { waitFor } from './support/berth.js';
import { PgProxy } from './support/pg-proxy.js';
import { redisDatabase, testRedisBase } from './support/webhook-jobs.js';

/**
 * Webhook runs on replicas (`WebhookJobs`) against the machine's Redis through a TCP relay that
 * can go silent, as Redis's machine leaving the network does: a call Redis does not answer in
 * time is answered 503 and is never run afterwards, whether Redis was silent from the start of
 * the call or went silent half-way through it (its job already added); what it recorded is
 * dropped, and the next call of the same key runs.
 */
jest.setTimeout(90_000);

const onRedis = testRedisBase ? describe : describe.skip;
const silent = pino({ level: 'silent' });

onRedis('webhook runs when Redis stops answering mid-call', () => {
  let redis: Awaited<ReturnType<typeof redisDatabase>>;
  let proxy: PgProxy;
  let connection: RedisConnection;
  let jobs: WebhookJobs;
  let direct: Redis;
  let queue: Queue;
  const ran: string[] = [];

  beforeAll(async () => {
    redis = await redisDatabase();
    direct = new Redis(redis.url);
    queue = new Queue('berth-webhooks', { connection: direct });
    proxy = await PgProxy.start(redis.url);
    const url = proxy.url(new URL(redis.url).pathname.slice(1));
    const config = { redisUrl: url, webhookJobLockMs: 30_000 } as Config;
    connection = new RedisConnection(config, silent);
    jobs = new WebhookJobs(connection, config, silent);
    jobs.handle<{ key: string }>('container', {
      run: (_data, runId) => {
        ran.push(runId);
        return Promise.resolve();
      },
    });
    jobs.onApplicationBootstrap();
  });

  afterEach(() => proxy.restore());

  afterAll(async () => {
    await jobs?.onApplicationShutdown();
    await connection?.onApplicationShutdown();
    await proxy?.stop();
    await queue?.close();
    direct?.disconnect();
    await redis?.drop();
  });

  /** Starts a run of `key` and waits until the worker has run it. */
  async function runsOnce(key: string): Promise<void> {
    const { runId, status } = await jobs.trigger('container', key, { key });
    expect(status).toBe('running');
    await waitFor(() => Promise.resolve(ran.includes(runId)), 20_000, `run ${runId}`);
  }

  /** What is left of the key's runs in Redis once everything sent meanwhile has arrived. */
  async function leftOver(key: string): Promise<{ jobs: number; queued: string | null }> {
    // Commands sent while silent are sent again once ioredis has reconnected; the worker's
    // quiet period is 1 s.
    await sleep(3_000);
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return {
      jobs: Object.values(counts).reduce((sum, count) => sum + count, 0),
      queued: await direct.get(`berth:webhook-queued:${key}`),
    };
  }

  it('runs a call Redis answers', async () => {
    await runsOnce('container:h/one');
    expect(await leftOver('container:h/one')).toEqual({ jobs: 0, queued: null });
  });

  it('answers 503 when Redis is silent from the start, and the call never runs later', async () => {
    await runsOnce('container:h/two');
    const before = ran.length;
    proxy.silence();
    const started = Date.now();
    await expect(jobs.trigger('container', 'container:h/two', {})).rejects.toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      details: { retryAfterSeconds: 5 },
    });
    expect(Date.now() - started).toBeLessThan(8_000);
    await proxy.restore();
    expect(await leftOver('container:h/two')).toEqual({ jobs: 0, queued: null });
    expect(ran.length).toBe(before);
    await runsOnce('container:h/two');
  });

  it('takes back a call whose job was added before Redis went silent: dropped, never run', async () => {
    await runsOnce('container:h/three');
    const before = ran.length;
    const recorded: string[] = [];
    const discarded: string[] = [];
    const call = jobs.trigger(
      'container',
      'container:h/three',
      {},
      (runId) => {
        // The job is in Redis; the call goes silent before it marks the run accepted.
        recorded.push(runId);
        proxy.silence();
        return Promise.resolve();
      },
      (runId) => {
        discarded.push(runId);
        return Promise.resolve();
      },
    );
    await expect(call).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(recorded).toHaveLength(1);
    const [runId] = recorded;
    await proxy.restore();
    await waitFor(() => Promise.resolve(discarded.length === 1), 20_000, 'the run discarded');
    expect(discarded).toEqual([runId]);
    expect(await leftOver('container:h/three')).toEqual({ jobs: 0, queued: null });
    expect(await direct.exists(`berth:webhook-dropped:${runId}`)).toBe(1);
    expect(ran.slice(before)).toEqual([]);
    await runsOnce('container:h/three');
  });
});
