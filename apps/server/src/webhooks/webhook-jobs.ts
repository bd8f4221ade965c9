import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisConnection } from '../cluster/redis-connection.js';
import { underRedisLock } from '../cluster/redis-lock.js';
import type { AttemptJournal } from '../common/attempt-journal.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { settlesWithin } from '../common/settles-within.js';
import { CONFIG, type Config } from '../config/config.js';

/** What a webhook acts on; each kind has one handler on every replica. */
export type WebhookJobKind = 'stack' | 'container' | 'service';

/** A run a trigger started or joined: `runId` names it (a stack's queued deployment). */
export interface WebhookRun {
  runId: string;
  status: 'running' | 'queued';
}

/**
 * What one run keeps in Redis between its attempts: a job whose replica stopped mid-run is run
 * again by another (BullMQ's stalled jobs), and that attempt reads what the first one wrote
 * before it changed anything. Kept for an hour after the last write, whatever the outcome, so an
 * attempt that ran to its end but was not marked done is known as a repeat too.
 */
export type RunJournal = AttemptJournal<unknown>;

/** How every replica runs one kind's jobs. */
export interface WebhookJobHandler<Data> {
  /** Resolves once the run may start (a stack: once no deployment of it runs anywhere). */
  ready?: (data: Data) => Promise<void>;
  /** The run itself; it records its own failures (audit, deployment history). */
  run: (data: Data, runId: string, journal: RunJournal) => Promise<void>;
}

interface JobBody {
  key: string;
  /** When the trigger that added the job came (Date.now()). */
  addedAt: number;
  data: unknown;
}

const QUEUE = 'berth-webhooks';
/** Jobs of different keys run side by side, up to this many on each replica. */
const CONCURRENCY = 4;
/** A follow-up starts only once no trigger has joined it for this long: a burst is one run. */
export const QUIET_MS = 1_000;
/** A queued run's marker outlives any wait behind a running one; a lost one lapses. */
const MARK_MS = 60 * 60_000;
/** How long stopping waits for the worker's running jobs before leaving them to another replica. */
const CLOSE_MS = 1_000;
/** How long a trigger waits on Redis to join or queue its run before answering 503. */
const REDIS_WAIT_MS = 5_000;
/** What a caller that got 503 because Redis did not answer is told to wait. */
const RETRY_AFTER_SECONDS = 5;

/** The run that triggers of `key` join (set while it waits, gone once it starts). */
const queuedKey = (key: string) => `berth:webhook-queued:${key}`;
/** When a trigger of `key` last came (Date.now()): the quiet period of a follow-up. */
const joinedKey = (key: string) => `berth:webhook-joined:${key}`;
const lockKey = (key: string) => `berth:webhook-lock:${key}`;
/**
 * Set when the trigger of a run gave up on Redis and answered 503: the run never starts, and no
 * trigger joins it. (Jobs carry no mark of their own otherwise, so the jobs of a replica of an
 * earlier version run as before during a rolling upgrade.)
 */
const droppedKey = (runId: string) => `berth:webhook-dropped:${runId}`;
/** What a run wrote for its later attempts (`RunJournal`). */
const journalKey = (runId: string) => `berth:webhook-run:${runId}`;
/** Job states in which a job has not started. */
const WAITING = new Set<string>(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Webhook runs across replicas (REDIS_URL): a trigger is a BullMQ job deduplicated per key with
 * `keepLastIfActive`, so at most one run of a key is active and one waits, whichever replica
 * was called, and any replica's worker runs it. BullMQ keeps only the latest waiting job's data,
 * while every trigger must answer the run it joined; so triggers of one key pass a short
 * redis-semaphore mutex, and a Redis key names the waiting run: a trigger joins it, or records a
 * new run and adds its job. A run starts past the same mutex after its quiet period, so a
 * trigger that joined it came before it started. Without REDIS_URL nothing here is loaded;
 * `CoalescedRuns` does the same in one process.
 */
@Injectable()
export class WebhookJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<WebhookJobKind, WebhookJobHandler<never>>();
  private started: Promise<{ client: Redis; queue: Queue }> | undefined;
  private worker: Worker | undefined;
  private stopped = false;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Whether webhook runs go through Redis (else each service coalesces in its own process). */
  get shared(): boolean {
    return this.redis.enabled;
  }

  /** Sets how `kind`'s jobs run on this replica. */
  handle<Data>(kind: WebhookJobKind, handler: WebhookJobHandler<Data>): void {
    this.handlers.set(kind, handler);
  }

  /** Every replica runs a worker, so a trigger's job runs even when its replica has stopped. */
  onApplicationBootstrap(): void {
    if (this.shared) {
      this.start().catch((error: unknown) =>
        this.log.warn({ err: error }, 'webhook jobs did not start; the first trigger tries again'),
      );
    }
  }

  /**
   * Starts a run of `key`, or joins the one waiting. A new run gets its id here, its job is
   * added, and `record` keeps what else names it (a stack's queued deployment) before the run
   * becomes the one later triggers join. Answers `running` when nothing of the key ran, `queued`
   * when the run waits for another. A trigger Redis does not answer within REDIS_WAIT_MS gets
   * 503, and whatever of it reaches Redis later is taken back (`takeBack`): the run is marked
   * dropped and its job removed, and `discard` drops what `record` kept.
   */
  async trigger(
    kind: WebhookJobKind,
    key: string,
    data: unknown,
    record: (runId: string) => Promise<void> = () => Promise.resolve(),
    discard: (runId: string) => Promise<void> = () => Promise.resolve(),
  ): Promise<WebhookRun> {
    const { client, queue } = await this.start();
    if (client.status !== 'ready') throw redisUnavailable();
    let givenUp = false;
    let added: string | undefined;
    const joined = underRedisLock(client, lockKey(key), async () => {
      if (givenUp) throw redisUnavailable();
      const now = Date.now();
      await client.set(joinedKey(key), String(now), 'PX', MARK_MS);
      const waiting = await client.get(queuedKey(key));
      if (waiting && (await client.exists(droppedKey(waiting))) === 0) {
        await client.pexpire(queuedKey(key), MARK_MS);
        return { runId: waiting, status: 'queued' as const };
      }
      if (givenUp) throw redisUnavailable();
      const runId = randomUUID();
      added = runId;
      const body: JobBody = { key, addedAt: now, data };
      const job = await queue.add(kind, body, {
        jobId: runId,
        deduplication: { id: key, keepLastIfActive: true },
      });
      // BullMQ answers the job that holds the key: ours; or the active one, after which ours
      // runs; or one still waiting, which took the place of ours.
      const holder = job.id ?? runId;
      if (holder !== runId && WAITING.has(await queue.getJobState(holder))) {
        added = undefined;
        await client.set(queuedKey(key), holder, 'PX', MARK_MS);
        return { runId: holder, status: 'queued' as const };
      }
      try {
        await record(runId);
        if (givenUp) throw redisUnavailable();
        await client.set(queuedKey(key), runId, 'PX', MARK_MS);
        if (givenUp) throw redisUnavailable();
      } catch (error) {
        // Not answered, or not kept: the run must not start later as if it had been. (A trigger
        // that gave up took it back already, when it did.)
        if (!givenUp) await takeBack(client, queue, key, runId);
        await discard(runId).catch(() => undefined);
        throw error;
      }
      return { runId, status: holder === runId ? ('running' as const) : ('queued' as const) };
    });
    // Redis gone quiet on an open connection: answered now, not when (if ever) it comes back.
    joined.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        givenUp = true;
        // Sent now, on the connection that carries the call's own commands, so the mark reaches
        // Redis right behind whatever of the call does, before any worker can act on it.
        if (added !== undefined) void takeBack(client, queue, key, added);
        reject(redisUnavailable());
      }, REDIS_WAIT_MS);
    });
    try {
      return await Promise.race([joined, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const started = this.started;
    if (!started) return;
    const { queue } = await started.catch(() => ({ queue: undefined }));
    const worker = this.worker;
    this.worker = undefined;
    if (worker && !(await settlesWithin(worker.close(), CLOSE_MS))) {
      // Its running jobs stall; another replica's worker finds them and their guards skip them.
      await settlesWithin(worker.close(true), CLOSE_MS);
    }
    if (queue) await settlesWithin(queue.close(), CLOSE_MS);
  }

  private start(): Promise<{ client: Redis; queue: Queue }> {
    this.started ??= (async () => {
      const { Queue, Worker } = await import('bullmq');
      const client = await this.redis.redis();
      const queue = new Queue(QUEUE, {
        connection: client,
        defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
      });
      if (!this.stopped) {
        const worker = new Worker(QUEUE, (job: Job<JobBody>) => this.process(client, job), {
          connection: client,
          concurrency: CONCURRENCY,
          // Named after its replica: a job's `processedBy` tells which one runs it.
          name: `${hostname()}:${process.pid}`,
          // A job whose replica died is handed on once its lock lapses and the next stalled
          // check sees it: within twice this.
          lockDuration: this.config.webhookJobLockMs,
          stalledInterval: this.config.webhookJobLockMs,
        });
        worker.on('error', (error) => this.log.warn({ err: error }, 'webhook job worker'));
        this.worker = worker;
      }
      return { client, queue };
    })();
    this.started.catch(() => (this.started = undefined));
    return this.started;
  }

  private async process(client: Redis, job: Job<JobBody>): Promise<void> {
    const handler = this.handlers.get(job.name as WebhookJobKind) as
      WebhookJobHandler<unknown> | undefined;
    const { key, addedAt, data } = job.data;
    const runId = job.id!;
    if (!handler) {
      this.log.warn({ kind: job.name, runId }, 'no handler for a webhook job');
      return;
    }
    try {
      await handler.ready?.(data);
      // Triggers that joined after this run was added: start once they have been quiet a while.
      for (;;) {
        const joined = Number((await client.get(joinedKey(key))) ?? 0);
        const wait = joined > addedAt ? joined + QUIET_MS - Date.now() : 0;
        if (wait <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      // From here on a trigger adds a new run instead of joining this one.
      const dropped = await underRedisLock(client, lockKey(key), async () => {
        if ((await client.get(queuedKey(key))) === runId) await client.del(queuedKey(key));
        return (await client.exists(droppedKey(runId))) === 1;
      });
      if (dropped) {
        this.log.warn(
          { kind: job.name, runId },
          'webhook run skipped: its call was answered 503 before Redis took it',
        );
        return;
      }
      await handler.run(data, runId, runJournal(client, runId));
    } catch (error) {
      this.log.warn({ err: error, kind: job.name, runId }, 'webhook run failed');
    }
  }
}

/**
 * A run whose trigger was not answered: never to run, no trigger to join it, its job gone unless
 * a worker took it already (which then skips it).
 */
async function takeBack(client: Redis, queue: Queue, key: string, runId: string): Promise<void> {
  // Issued together: the mark goes out first, in this tick.
  await Promise.all([
    client.set(droppedKey(runId), '1', 'PX', MARK_MS).catch(() => undefined),
    client.eval(FORGET_QUEUED, 1, queuedKey(key), runId).catch(() => undefined),
    queue.remove(runId).catch(() => 0),
  ]);
}

/** Deletes KEYS[1] if it still names run ARGV[1]. */
const FORGET_QUEUED = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

function runJournal(client: Redis, runId: string): RunJournal {
  return {
    read: async () => {
      const text = await client.get(journalKey(runId));
      return text === null ? undefined : (JSON.parse(text) as unknown);
    },
    write: async (entry) => {
      await client.set(journalKey(runId), JSON.stringify(entry), 'PX', MARK_MS);
    },
  };
}

function redisUnavailable(): AppError {
  return new AppError(
    'DATABASE_UNAVAILABLE',
    'Redis (REDIS_URL), where webhook runs are queued for every replica, does not answer: the call was not queued; try again',
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
  );
}
