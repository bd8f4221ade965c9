import { describe, expect, it } from '@jest/globals';
import { AppError } from '../common/app-error.js';
import { WebhookRateLimiter } from './webhook-rate-limiter.js';

describe('WebhookRateLimiter', () => {
  it('takes perMinute calls a minute per webhook, then answers 429 with the seconds to wait', () => {
    const limiter = new WebhookRateLimiter();
    const t0 = 1_000_000;
    limiter.take('a', 2, t0);
    limiter.take('a', 2, t0 + 10_000);
    limiter.take('b', 2, t0 + 10_000);
    let refused: unknown;
    try {
      limiter.take('a', 2, t0 + 20_000);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('TOO_MANY_REQUESTS');
    expect((refused as AppError).details).toEqual({ retryAfterSeconds: 40 });
    // Once the first call leaves the window, one more is taken.
    expect(() => limiter.take('a', 2, t0 + 60_001)).not.toThrow();
    expect(() => limiter.take('a', 2, t0 + 60_002)).toThrow(AppError);
  });
});
