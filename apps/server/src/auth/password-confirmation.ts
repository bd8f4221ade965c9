import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { LOGIN_LIMITS, LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';

/**
 * Checks the password of someone already signed in before a change that needs it (a new
 * password, two-factor sign-in off). Guesses count like sign-in attempts on the account, so a
 * stolen session cannot be used to try passwords.
 */
@Injectable()
export class PasswordConfirmation {
  constructor(
    private readonly prisma: PrismaService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Resolves when `password` is the user's; else a 400 naming `field` (or 429 when throttled). */
  async check(userId: string, password: string, field: string): Promise<void> {
    const key = `password:${userId}`;
    const verdict = await this.throttle.attemptOne(key, LOGIN_LIMITS.account);
    if (!verdict.allowed) {
      throw new AppError('TOO_MANY_REQUESTS', 'too many wrong passwords; try again later', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    const user = await this.prisma.db.user.findUnique({
      where: { id: userId },
      select: { passwordHash: true },
    });
    if (!user || !(await this.hasher.verify(user.passwordHash, password))) {
      throw AppError.validation([{ path: field, message: 'wrong password' }]);
    }
    await this.throttle.clear(key);
  }
}
