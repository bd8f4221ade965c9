import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { TLoginRequest, TLoginResponse, TSetupRequest, TUser } from '@berth/shared';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import { Authenticator } from './authenticator.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';
import { digest, newSecret } from './secrets.js';

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
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Creates the first administrator from BERTH_ADMIN_PASSWORD when there is no user yet. */
  async ensureAdminFromEnvironment(): Promise<boolean> {
    const { username, password } = this.config.admin;
    if (!password || !(await this.needsSetup())) return false;
    await this.createFirstAdmin(username, password);
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

  async login(input: TLoginRequest, req: IncomingMessage): Promise<SignedIn> {
    const user = await this.prisma.db.user.findUnique({ where: { username: input.username } });
    // Verify against a throwaway hash when the user is unknown, so timing does not reveal names.
    const stored = user?.passwordHash ?? (await this.getDummyHash());
    const valid = await this.hasher.verify(stored, input.password);
    if (!user || !valid || user.disabled) {
      await this.audit.record({
        actor: { type: 'anonymous', id: user?.id ?? null, name: input.username.slice(0, 64) },
        action: 'auth.login_failed',
        outcome: 'failure',
        status: 401,
        target: input.username.slice(0, 64),
        details: { reason: !user ? 'unknown user' : user.disabled ? 'disabled' : 'wrong password' },
        ...requestFacts(req),
      });
      throw new AppError('UNAUTHENTICATED', 'wrong username or password');
    }
    const signedIn = await this.startSession(user, req);
    await this.audit.record({
      actor: { type: 'user', id: user.id, name: user.username },
      action: 'auth.login',
      outcome: 'success',
      status: 200,
      ...requestFacts(req),
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
