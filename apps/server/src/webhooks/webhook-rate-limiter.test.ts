import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { RedisConnection } from '../cluster/redis-connection.js';
import { AppError } from '../common/app-error.js';
import { WebhookRateLimiter } from './webhook-rate-limiter.js';

describe('WebhookRateLimiter on one server', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('takes perMinute calls a minute per webhook, then answers 429 with the seconds to wait', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] });
    const limiter = new WebhookRateLimiter({ enabled: false } as RedisConnection);
    await limiter.take('a', 2);
    jest.advanceTimersByTime(10_000);
    await limiter.take('a', 2);
    await limiter.take('b', 2);
    jest.advanceTimersByTime(10_000);
    const refused = await limiter.take('a', 2).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('TOO_MANY_REQUESTS');
    expect((refused as AppError).details).toEqual({ retryAfterSeconds: 40 });
    // Each webhook has its own count, at its own rate.
    await limiter.take('c', 1);
    await expect(limiter.take('c', 1)).rejects.toThrow(AppError);
    await limiter.take('b', 2);
    // Once the window of the first call ends, calls are taken again.
    jest.advanceTimersByTime(40_001);
    await limiter.take('a', 2);
    await limiter.take('a', 2);
    await expect(limiter.take('a', 2)).rejects.toThrow(AppError);
  });
});
