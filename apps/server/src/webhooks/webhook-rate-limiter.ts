import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';

const WINDOW_MS = 60_000;

/**
 * Calls per webhook and minute, counted in a sliding window on this replica. A webhook past its
 * rate is answered 429 with the seconds until its oldest counted call leaves the window.
 */
@Injectable()
export class WebhookRateLimiter {
  private readonly calls = new Map<string, number[]>();

  /** Counts a call of the webhook, or throws 429 TOO_MANY_REQUESTS with Retry-After. */
  take(webhookId: string, perMinute: number, now = Date.now()): void {
    const recent = (this.calls.get(webhookId) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length >= perMinute) {
      this.calls.set(webhookId, recent);
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000));
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `this webhook takes ${perMinute} calls a minute; try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
    recent.push(now);
    this.calls.set(webhookId, recent);
    if (this.calls.size > 10_000) this.forgetIdle(now);
  }

  private forgetIdle(now: number): void {
    for (const [id, calls] of this.calls) {
      if (calls.every((at) => at <= now - WINDOW_MS)) this.calls.delete(id);
    }
  }
}
