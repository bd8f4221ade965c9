import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { TLoginRequest, TLoginResponse, TSetupRequest, TUser } from '@berth/shared';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import { Authenticator } from './authenticator.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';
import { digest, newSecret } from './secrets.js';
import { TotpService } from './totp.service.js';

export interface SignedIn extends TLoginResponse {
  /** The raw session secret for the cookie; only its digest is stored. */
  sessionSecret: string;
}

const SETUP_MARKER = 'setup.done';

@Injectable()
export class AuthService {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly hasher: PasswordHasher,
    private readonly authenticator: Authenticator,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Creates the first administrator from BERTH_ADMIN_PASSWORD when there is no user yet. */
  async ensureAdminFromEnvironment(): Promise<boolean> {
    const { username, password } = this.config.admin;
    if (!password || !(await this.needsSetup())) return false;
    try {
      await this.createFirstAdmin(username, password);
    } catch (error) {
      // Replicas starting together: another one made the administrator first.
      if (error instanceof AppError && error.code === 'SETUP_DONE') return false;
      throw error;
    }
    await this.audit.record({
      actor: { type: 'system', id: null, name: 'system' },
      action: 'auth.setup',
      outcome: 'success',
      target: username,
      details: { source: 'environment' },
    });
    return true;
  }

  async needsSetup(): Promise<boolean> {
    return (await this.prisma.db.user.count()) === 0;
  }

  async setup(input: TSetupRequest, req: IncomingMessage): Promise<SignedIn> {
    if (!(await this.needsSetup()))
      throw new AppError('SETUP_DONE', 'the first administrator already exists');
    const user = await this.createFirstAdmin(input.username, input.password);
    await this.audit.record({
      actor: { type: 'user', id: user.id, name: user.username },
      action: 'auth.setup',
      outcome: 'success',
      target: user.username,
      ...requestFacts(req),
    });
    return this.startSession(user, req);
  }

  /**
   * Password, then (when enabled) the TOTP code. Attempts are throttled per account and per
   * address before anything is checked, so while throttled even the right password is refused.
   */
  async login(input: TLoginRequest, req: IncomingMessage): Promise<SignedIn> {
    const facts = requestFacts(req);
    const name = input.username.slice(0, 64);
    const keys = LoginThrottle.keys(input.username, facts.ip ?? '');
    const verdict = await this.throttle.attempt(keys);
    if (!verdict.allowed) return this.refuseThrottled(name, verdict.retryAfterSeconds, req);
    const user = await this.prisma.db.user.findUnique({ where: { username: input.username } });
    // Verify against a throwaway hash when the user is unknown, so timing does not reveal names.
    const stored = user?.passwordHash ?? (await this.getDummyHash());
    const valid = await this.hasher.verify(stored, input.password);
    const reason = refusalOf(user, valid);
    if (!user || reason) return this.refuse(name, user?.id ?? null, reason ?? 'unknown user', req);
    const second = await this.totp.checkSignIn(user.id, input.totp);
    if (second === 'missing') {
      // The password was right: asking for the code is not a failed attempt.
      await Promise.all([this.throttle.forgive(keys.account), this.throttle.forgive(keys.ip)]);
      throw new AppError('UNAUTHENTICATED', 'enter the code from your authenticator app', {
        totpRequired: true,
      });
    }
    if (second === 'wrong') return this.refuse(name, user.id, 'wrong two-factor code', req, true);
    await Promise.all([this.throttle.clear(keys.account), this.throttle.forgive(keys.ip)]);
    const signedIn = await this.startSession(user, req);
    await this.audit.record({
      actor: { type: 'user', id: user.id, name: user.username },
      action: 'auth.login',
      outcome: 'success',
      status: 200,
      details: {
        twoFactor: second === 'ok' || second === 'recovery',
        ...(second === 'recovery' ? { recoveryCode: true } : {}),
      },
      ...facts,
    });
    return signedIn;
  }

  async logout(principal: Principal, req: IncomingMessage): Promise<void> {
    if (principal.kind !== 'session') return;
    await this.prisma.db.session.deleteMany({ where: { id: principal.sessionId } });
    this.authenticator.evict(principal.sessionId);
    await this.audit.record({
      actor: actorOf(principal),
      action: 'auth.logout',
      outcome: 'success',
      ...requestFacts(req),
    });
  }

  private async refuse(
    name: string,
    userId: string | null,
    reason: string,
    req: IncomingMessage,
    totpRequired = false,
  ): Promise<never> {
    await this.audit.record({
      actor: { type: 'anonymous', id: userId, name },
      action: 'auth.login_failed',
      outcome: 'failure',
      status: 401,
      target: name,
      details: { reason },
      ...requestFacts(req),
    });
    throw totpRequired
      ? new AppError('UNAUTHENTICATED', 'wrong or expired two-factor code', { totpRequired: true })
      : new AppError('UNAUTHENTICATED', 'wrong username or password');
  }

  private async refuseThrottled(
    name: string,
    retryAfterSeconds: number,
    req: IncomingMessage,
  ): Promise<never> {
    await this.audit.record({
      actor: { type: 'anonymous', id: null, name },
      action: 'auth.login_throttled',
      outcome: 'denied',
      status: 429,
      target: name,
      details: { retryAfterSeconds },
      ...requestFacts(req),
    });
    throw new AppError('TOO_MANY_REQUESTS', 'too many sign-in attempts; try again later', {
      retryAfterSeconds,
    });
  }

  private async createFirstAdmin(username: string, password: string): Promise<TUser> {
    const passwordHash = await this.hasher.hash(password);
    try {
      // The marker row's primary key makes two concurrent setups fail instead of making two admins.
      const [, user] = await this.prisma.db.$transaction([
        this.prisma.db.setting.create({
          data: { key: SETUP_MARKER, value: new Date().toISOString() },
        }),
        this.prisma.db.user.create({
          data: { username, passwordHash, isAdmin: true, displayName: username },
        }),
      ]);
      return {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        isAdmin: user.isAdmin,
      };
    } catch (error) {
      throw new AppError('SETUP_DONE', 'the first administrator already exists', undefined, error);
    }
  }

  private async startSession(user: TUser, req: IncomingMessage): Promise<SignedIn> {
    const sessionSecret = newSecret('bss');
    const csrfToken = newSecret('csrf');
    await this.prisma.db.session.create({
      data: {
        id: digest(sessionSecret),
        userId: user.id,
        csrfToken,
        ip: requestFacts(req).ip ?? '',
        userAgent: (req.headers['user-agent'] ?? '').slice(0, 512),
        expiresAt: new Date(Date.now() + this.config.sessionTtlMs),
      },
    });
    return { user: toUser(user), csrfToken, sessionSecret };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(newSecret('dummy'));
    return this.dummyHash;
  }
}

/** Why a password sign-in is refused, or null when it may go on. */
function refusalOf(user: { disabled: boolean } | null, passwordValid: boolean): string | null {
  if (!user) return 'unknown user';
  if (!passwordValid) return 'wrong password';
  return user.disabled ? 'disabled' : null;
}

export function toUser(user: {
  id: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
}): TUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    isAdmin: user.isAdmin,
  };
}
