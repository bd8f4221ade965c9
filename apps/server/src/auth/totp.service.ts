import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type {
  TTotpDisableRequest,
  TTotpEnableResponse,
  TTotpSetupResponse,
  TTotpStatus,
} from '@berth/shared';
import { auditFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { LOGIN_LIMITS, LoginThrottle } from './login-throttle.js';
import { PasswordConfirmation } from './password-confirmation.js';
import type { Principal } from './principal.js';
import {
  isRecoveryCode,
  newRecoveryCodes,
  recoveryDigests,
  takeRecoveryCode,
} from './recovery-codes.js';
import { newTotpSecret, totpOf, totpStep } from './totp.js';

/** What a sign-in's second factor came to. */
export type TotpCheck = 'not-enabled' | 'ok' | 'recovery' | 'missing' | 'wrong';

/**
 * Two-factor sign-in with TOTP for local accounts. The secret is sealed by the vault at rest,
 * shown once at setup, and takes effect only after a code from the app confirms it.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
    private readonly password: PasswordConfirmation,
  ) {}

  async status(principal: Principal): Promise<TTotpStatus> {
    const row = await this.prisma.db.userTotp.findUnique({ where: { userId: principal.user.id } });
    return { enabled: row?.enabled ?? false, pending: row !== null && !row.enabled };
  }

  /** Starts (or restarts) setup with a new secret; refused while two-factor sign-in is on. */
  async setup(principal: Principal, req: IncomingMessage): Promise<TTotpSetupResponse> {
    const userId = principal.user.id;
    if ((await this.status(principal)).enabled) {
      throw new AppError('CONFLICT', 'two-factor sign-in is already on; turn it off first');
    }
    const secret = newTotpSecret();
    const sealed = this.vault.seal(secret);
    await this.audit.change(async (tx) => {
      await tx.userTotp.upsert({
        where: { userId },
        create: { userId, secret: sealed },
        update: { secret: sealed, enabled: false, lastStep: 0 },
      });
      return { result: undefined, entry: this.entry('auth.totp_setup', principal, req) };
    });
    return { secret, otpauthUrl: totpOf(secret, principal.user.username).toString() };
  }

  /** Turns it on with a code from the app; answers ten recovery codes, shown once. */
  async enable(
    principal: Principal,
    code: string,
    req: IncomingMessage,
  ): Promise<TTotpEnableResponse> {
    const row = await this.prisma.db.userTotp.findUnique({ where: { userId: principal.user.id } });
    if (!row) throw new AppError('CONFLICT', 'start with POST /api/auth/totp/setup');
    if (row.enabled) throw new AppError('CONFLICT', 'two-factor sign-in is already on');
    const step = await this.confirm(principal, row, code);
    const recoveryCodes = newRecoveryCodes();
    await this.audit.change(async (tx) => {
      await tx.userTotp.update({
        where: { userId: row.userId },
        data: { enabled: true, lastStep: step, recoveryCodes: recoveryDigests(recoveryCodes) },
      });
      return { result: undefined, entry: this.entry('auth.totp_enable', principal, req) };
    });
    return { recoveryCodes };
  }

  /** Turns it off with the account's password, or with a code from the app. */
  async disable(
    principal: Principal,
    input: TTotpDisableRequest,
    req: IncomingMessage,
  ): Promise<void> {
    const row = await this.prisma.db.userTotp.findUnique({ where: { userId: principal.user.id } });
    if (!row?.enabled) throw new AppError('CONFLICT', 'two-factor sign-in is not on');
    if (input.password !== undefined) {
      await this.password.check(principal.user.id, input.password, 'password');
    } else if (input.code !== undefined) {
      await this.confirm(principal, row, input.code);
    }
    await this.audit.change(async (tx) => {
      await tx.userTotp.delete({ where: { userId: row.userId } });
      return { result: undefined, entry: this.entry('auth.totp_disable', principal, req) };
    });
  }

  /** The second factor of a sign-in whose password was right; a good code is used up. */
  async checkSignIn(userId: string, code: string | undefined): Promise<TotpCheck> {
    const row = await this.prisma.db.userTotp.findUnique({ where: { userId } });
    if (!row?.enabled) return 'not-enabled';
    if (!code) return 'missing';
    if (isRecoveryCode(code)) return (await this.useRecovery(row, code)) ? 'recovery' : 'wrong';
    return (await this.use(row, code)) === null ? 'wrong' : 'ok';
  }

  /** Uses up a recovery code: conditional on the stored list, so one code cannot win twice. */
  private async useRecovery(
    row: { userId: string; recoveryCodes: string },
    code: string,
  ): Promise<boolean> {
    const left = takeRecoveryCode(row.recoveryCodes, code);
    if (left === null) return false;
    const { count } = await this.prisma.db.userTotp.updateMany({
      where: { userId: row.userId, recoveryCodes: row.recoveryCodes },
      data: { recoveryCodes: left },
    });
    return count === 1;
  }

  /** Checks a code typed while signed in; guesses are limited like sign-in attempts. */
  private async confirm(
    principal: Principal,
    row: { userId: string; secret: string; lastStep: number },
    code: string,
  ): Promise<number> {
    const key = `totp:${principal.user.id}`;
    const verdict = await this.throttle.attemptOne(key, LOGIN_LIMITS.account);
    if (!verdict.allowed) {
      throw new AppError('TOO_MANY_REQUESTS', 'too many wrong codes; try again later', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    const step = await this.use(row, code);
    if (step === null) {
      throw AppError.validation([{ path: 'code', message: 'wrong or expired code' }]);
    }
    await this.throttle.clear(key);
    return step;
  }

  /** Accepts a code for a step after the last one used, and records its step. */
  private async use(
    row: { userId: string; secret: string; lastStep: number },
    code: string,
  ): Promise<number | null> {
    const step = totpStep(this.vault.open(row.secret), code);
    if (step === null || step <= row.lastStep) return null;
    // Conditional on the old step, so two sign-ins racing with one code cannot both win.
    const { count } = await this.prisma.db.userTotp.updateMany({
      where: { userId: row.userId, lastStep: row.lastStep },
      data: { lastStep: step },
    });
    return count === 1 ? step : null;
  }

  private entry(
    action: 'auth.totp_setup' | 'auth.totp_enable' | 'auth.totp_disable',
    principal: Principal,
    req: IncomingMessage,
  ) {
    return {
      ...auditFacts(principal, req),
      action,
      outcome: 'success' as const,
      target: principal.user.username,
    };
  }
}
