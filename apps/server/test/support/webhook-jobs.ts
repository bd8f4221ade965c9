import { Queue, QueueEvents } from 'bullmq';
import { expect } from '@jest/globals';
import type { TStackWebhookUrl } from '@berth/shared';
import { Redis } from 'ioredis';
import type { TestBerth } from './berth.js';

/** The machine's Redis for suites that run webhooks as jobs (scripts/test.sh starts it). */
export const testRedisBase = process.env.BERTH_TEST_REDIS_URL;

/**
 * Which of Redis's databases this run's suites take, `first-last` (BERTH_TEST_REDIS_DBS): lanes
 * that run side by side get ranges of their own, so no suite empties another's.
 */
const [FIRST_DB, LAST_DB] = (process.env.BERTH_TEST_REDIS_DBS ?? '1-15').split('-').map(Number);

/** The URL of a database of the test Redis from this run's range, picked at random. */
export function redisDatabaseUrl(): string {
  const url = new URL(testRedisBase!);
  url.pathname = `/${FIRST_DB! + Math.floor(Math.random() * (LAST_DB! - FIRST_DB! + 1))}`;
  return url.toString();
}

/** A database of its own on the test Redis, emptied first: its URL and how to drop it. */
export async function redisDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = redisDatabaseUrl();
  const redis = new Redis(url);
  await redis.flushdb();
  return {
    url,
    drop: async () => {
      await redis.flushdb().catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** What an object webhook's job carries (`ObjectRun` in `webhooks/object-webhooks.ts`). */
export interface ObjectRunData {
  webhook: { id: string; createdById: string };
  hostId: string;
  object: string;
  pullImage: boolean;
  facts: Record<string, string>;
}

/**
 * A webhook (not pulling) of `object` made on `berth` by the token's user through `webhooksPath`,
 * and the job data a call of it adds.
 */
export async function webhookJobOf(
  berth: TestBerth,
  token: string,
  webhooksPath: string,
  hostId: string,
  object: string,
): Promise<ObjectRunData> {
  const hook = await berth.api<TStackWebhookUrl>('POST', webhooksPath, {
    token,
    body: { pullImage: false },
  });
  expect(hook.status).toBe(201);
  const me = await berth.api<{ user: { id: string } }>('GET', '/api/auth/me', { token });
  return {
    webhook: { id: hook.body.id, createdById: me.body.user.id },
    hostId,
    object,
    pullImage: false,
    facts: {},
  };
}

/**
 * Runs one attempt of a webhook job on the replicas of `redisUrl`: the job `runId` added as the
 * webhook's own call adds it, answered once a worker has run it. Adding it again with the same
 * id is what BullMQ does with a job whose replica stopped mid-run (a stalled job): the same id
 * and data, run from the start by whichever worker takes it.
 */
export async function runWebhookJob(
  redisUrl: string,
  kind: 'container' | 'service',
  runId: string,
  data: ObjectRunData,
): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('berth-webhooks', { connection });
  // A connection given to BullMQ stays open when what uses it closes: each is closed here.
  const listener = connection.duplicate();
  const events = new QueueEvents('berth-webhooks', { connection: listener });
  try {
    await events.waitUntilReady();
    const body = { key: `${kind}:${data.hostId}/${data.object}`, addedAt: Date.now(), data };
    const job = await queue.add(kind, body, {
      jobId: runId,
      removeOnComplete: true,
      removeOnFail: true,
    });
    await job.waitUntilFinished(events, 120_000);
  } finally {
    await events.close();
    await queue.close();
    listener.disconnect();
    connection.disconnect();
  }
}
