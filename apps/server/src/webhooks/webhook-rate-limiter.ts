import { Injectable } from '@nestjs/common';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import { RedisConnection } from '../cluster/redis-connection.js';
import { AppError } from '../common/app-error.js';

const WINDOW_SECONDS = 60;
/** How long a count in Redis may take before this replica counts the call on its own. */
export const REDIS_COUNT_MS = 1_000;

/**
 * Calls per webhook and minute (a minute from the first call of a window), counted for all
 * replicas together in Redis when REDIS_URL is set, else by this server. While Redis cannot be
 * reached each replica counts on its own rather than refusing (the insurance limiter): at once
 * when the connection is down, after REDIS_COUNT_MS when Redis stops answering on an open one
 * (its machine gone from the network), so a call never waits on Redis. A webhook past its rate
 * is answered 429 with the seconds until its window ends.
 */
@Injectable()
export class WebhookRateLimiter {
  /** One limiter per rate in use: a webhook's rate is its window's number of calls. */
  private readonly limiters = new Map<number, Promise<RateLimiterAbstract>>();

  constructor(private readonly redis: RedisConnection) {}

  /** Counts a call of the webhook, or throws 429 TOO_MANY_REQUESTS with Retry-After. */
  async take(webhookId: string, perMinute: number): Promise<void> {
    try {
      await (await this.limiterFor(perMinute)).consume(webhookId);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `this webhook takes ${perMinute} calls a minute; try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
  }

  private limiterFor(points: number): Promise<RateLimiterAbstract> {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      limiter = this.create(points);
      this.limiters.set(points, limiter);
      // Redis unreachable at the first call: the next call tries again rather than this failure.
      limiter.catch(() => this.limiters.delete(points));
    }
    return limiter;
  }

  private async create(points: number): Promise<RateLimiterAbstract> {
    const keyPrefix = `berth:webhook-rate:${points}`;
    const local = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
    if (!this.redis.enabled) return local;
    const shared = new RateLimiterRedis({
      storeClient: await this.redis.redis(),
      points,
      duration: WINDOW_SECONDS,
      keyPrefix,
      rejectIfRedisNotReady: true,
    });
    // The insurance is the wrapper's, so a count that fails and one that times out both fall
    // back to it once.
    return new RLWrapperTimeouts({
      limiter: shared,
      timeoutMs: REDIS_COUNT_MS,
      insuranceLimiter: local,
    });
  }
}
