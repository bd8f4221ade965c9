import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TCreateUserRequest, TUpdateUserRequest, TUserAccount } from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import { auditFacts } from '../audit/audit-context.js';
import { type AuditEntry, AuditLog, type Tx } from '../audit/audit-log.js';
import { Authenticator } from '../auth/authenticator.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { orConflict } from '../admin/unique-conflict.js';
import type { User } from '../generated/sqlite/client.js';
import { toUserAccounts } from './user-accounts.js';

/**
 * Local accounts, managed by global administrators. There is always at least one enabled
 * administrator, and nobody can disable or delete their own account.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly hasher: PasswordHasher,
    private readonly authenticator: Authenticator,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<TUserAccount[]> {
    const users = await this.prisma.db.user.findMany({ orderBy: { username: 'asc' } });
    return toUserAccounts(this.prisma.db, users);
  }

  async create(
    input: TCreateUserRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TUserAccount> {
    await this.assertUsernameFree(input.username);
    const passwordHash = await this.hasher.hash(input.password);
    const create = () =>
      this.audit.change(async (tx) => {
        const row = await tx.user.create({
          data: {
            username: input.username,
            passwordHash,
            displayName: input.displayName ?? input.username,
            isAdmin: input.isAdmin ?? false,
          },
        });
        return {
          result: row,
          entry: {
            ...auditFacts(principal, req),
            action: 'user.create',
            outcome: 'success',
            target: row.username,
            details: { userId: row.id, isAdmin: row.isAdmin },
          },
        };
      });
    const user = await orConflict(create, 'username', `a user named "${input.username}" exists`);
    this.access.invalidate();
    return this.account(user);
  }

  /**
   * Disabling ends the user's sessions and revokes their API tokens in the same transaction, and
   * drops them from this replica's credential cache at once. A new password ends their other
   * sessions too.
   */
  async update(
    id: string,
    input: TUpdateUserRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TUserAccount> {
    const current = await this.find(id);
    const self = id === principal.user.id;
    if (input.disabled === true && self) {
      throw selfIssue('disabled', 'you cannot disable your own account');
    }
    const losesAdmin = current.isAdmin && (input.isAdmin === false || input.disabled === true);
    if (losesAdmin)
      await this.assertAnotherAdmin(id, input.isAdmin === false ? 'isAdmin' : 'disabled');
    const passwordHash = input.password ? await this.hasher.hash(input.password) : undefined;
    const disabling = input.disabled === true && !current.disabled;
    const endSessions = disabling || passwordHash !== undefined;
    const keepSession = self && principal.kind === 'session' ? principal.sessionId : undefined;
    const user = await this.audit.change(async (tx) => {
      const row = await tx.user.update({
        where: { id },
        data: {
          displayName: input.displayName,
          isAdmin: input.isAdmin,
          disabled: input.disabled,
          ...(passwordHash ? { passwordHash } : {}),
        },
      });
      if (endSessions) {
        await tx.session.deleteMany({
          where: { userId: id, ...(keepSession ? { id: { not: keepSession } } : {}) },
        });
      }
      if (disabling) {
        await tx.apiToken.updateMany({
          where: { userId: id, revokedAt: null },
          data: { revokedAt: new Date() },
        });
      }
      if (input.resetTotp) await tx.userTotp.deleteMany({ where: { userId: id } });
      return { result: row, entry: this.updateEntry(current, input, principal, req) };
    });
    if (endSessions || losesAdmin || input.isAdmin !== undefined) this.authenticator.evictUser(id);
    this.access.invalidate();
    return this.account(user);
  }

  /** Deletes the account with its sessions, tokens, team memberships and grants. */
  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    if (id === principal.user.id) throw selfIssue('id', 'you cannot delete your own account');
    const user = await this.find(id);
    if (user.isAdmin) await this.assertAnotherAdmin(id, 'id');
    await this.audit.change(async (tx: Tx) => {
      await tx.teamMember.deleteMany({ where: { userId: id } });
      await tx.grant.deleteMany({ where: { userId: id } });
      await tx.user.delete({ where: { id } });
      return {
        result: undefined,
        entry: {
          ...auditFacts(principal, req),
          action: 'user.delete',
          outcome: 'success',
          target: user.username,
          details: { userId: id },
        },
      };
    });
    this.authenticator.evictUser(id);
    this.access.invalidate();
  }

  private updateEntry(
    before: User,
    input: TUpdateUserRequest,
    principal: Principal,
    req: IncomingMessage,
  ): AuditEntry {
    const action =
      input.disabled === true && !before.disabled
        ? 'user.disable'
        : input.disabled === false && before.disabled
          ? 'user.enable'
          : 'user.update';
    return {
      ...auditFacts(principal, req),
      action,
      outcome: 'success',
      target: before.username,
      details: {
        userId: before.id,
        // Field names only: a new password is never written anywhere but as its hash.
        fields: Object.keys(input).filter(
          (key) => input[key as keyof TUpdateUserRequest] !== undefined,
        ),
        ...(input.isAdmin !== undefined ? { isAdmin: input.isAdmin } : {}),
      },
    };
  }

  private async account(user: User): Promise<TUserAccount> {
    const [account] = await toUserAccounts(this.prisma.db, [user]);
    if (!account) throw AppError.notFound('user');
    return account;
  }

  private async find(id: string): Promise<User> {
    const user = await this.prisma.db.user.findUnique({ where: { id } });
    if (!user) throw AppError.notFound('user');
    return user;
  }

  private async assertUsernameFree(username: string): Promise<void> {
    if (await this.prisma.db.user.findUnique({ where: { username } })) {
      throw new AppError('CONFLICT', `a user named "${username}" exists`, {
        issues: [{ path: 'username', message: 'already taken' }],
      });
    }
  }

  /** Refuses a change that would leave no enabled global administrator. */
  private async assertAnotherAdmin(id: string, field: string): Promise<void> {
    const others = await this.prisma.db.user.count({
      where: { isAdmin: true, disabled: false, id: { not: id } },
    });
    if (others === 0) {
      throw new AppError('CONFLICT', 'this is the last administrator', {
        issues: [{ path: field, message: 'at least one enabled administrator must remain' }],
      });
    }
  }
}

function selfIssue(path: string, message: string): AppError {
  return new AppError('CONFLICT', message, { issues: [{ path, message }] });
}
