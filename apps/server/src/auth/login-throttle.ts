import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

/** Sign-in attempts allowed per window, per account name and per source address. */
export const LOGIN_LIMITS = { account: 5, ip: 20, windowMs: 15 * 60_000 } as const;

const CLEANUP_EVERY_MS = 60 * 60_000;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts sign-in attempts in the database, so every replica sees the same counts. An attempt is
 * counted before the password is checked, so a burst of parallel guesses cannot all slip in
 * before the first failure is stored; attempts that turn out not to be failures are given back.
 * Windows are fixed: the first attempt starts one, and it ends `windowMs` later however many
 * refused attempts follow, so a locked-out owner is back in at most 15 minutes.
 */
@Injectable()
export class LoginThrottle {
  private lastCleanup = 0;

  constructor(private readonly prisma: PrismaService) {}

  static keys(username: string, ip: string): { account: string; ip: string } {
    return { account: `account:${username.trim().toLowerCase().slice(0, 64)}`, ip: `ip:${ip}` };
  }

  /** Counts one attempt for the address, then for the account; refuses once either is over. */
  async attempt(keys: { account: string; ip: string }, now = new Date()): Promise<ThrottleVerdict> {
    await this.cleanup(now);
    const byIp = await this.hit(keys.ip, LOGIN_LIMITS.ip, now);
    if (!byIp.allowed) return byIp;
    return this.hit(keys.account, LOGIN_LIMITS.account, now);
  }

  /** Counts one attempt under a single key (such as codes typed while signed in). */
  async attemptOne(key: string, limit: number, now = new Date()): Promise<ThrottleVerdict> {
    await this.cleanup(now);
    return this.hit(key, limit, now);
  }

  /** The attempt was not a failure (right password): it no longer counts. */
  async forgive(key: string): Promise<void> {
    await this.prisma.db.loginThrottle.updateMany({
      where: { key, attempts: { gt: 0 } },
      data: { attempts: { decrement: 1 } },
    });
  }

  /** Signed in: the account starts afresh. */
  async clear(key: string): Promise<void> {
    await this.prisma.db.loginThrottle.deleteMany({ where: { key } });
  }

  private async hit(key: string, limit: number, now: Date): Promise<ThrottleVerdict> {
    const db = this.prisma.db;
    const windowOpenedAfter = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
    // A window that has run out starts again with this attempt.
    await db.loginThrottle.updateMany({
      where: { key, windowStart: { lte: windowOpenedAfter } },
      data: { attempts: 0, windowStart: now },
    });
    const row = await this.upsert(key, now);
    if (row.attempts <= limit) return { allowed: true };
    const endsAt = row.windowStart.getTime() + LOGIN_LIMITS.windowMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000)),
    };
  }

  private async upsert(key: string, now: Date): Promise<{ attempts: number; windowStart: Date }> {
    const args = {
      where: { key },
      create: { key, attempts: 1, windowStart: now },
      update: { attempts: { increment: 1 } },
    };
    try {
      return await this.prisma.db.loginThrottle.upsert(args);
    } catch {
      // Two first attempts raced to create the row; the second one now finds it.
      return this.prisma.db.loginThrottle.upsert(args);
    }
  }

  private async cleanup(now: Date): Promise<void> {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now.getTime();
    await this.prisma.db.loginThrottle.deleteMany({
      where: { windowStart: { lt: new Date(now.getTime() - LOGIN_LIMITS.windowMs) } },
    });
  }
}
