import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TChangePasswordRequest } from '@berth/shared';
import { auditFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { Authenticator } from './authenticator.js';
import { PasswordConfirmation } from './password-confirmation.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';

/**
 * Changing your own password: the current one first, then the new hash and the end of every other
 * session in one transaction with its audit record. The session making the change stays.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly confirmation: PasswordConfirmation,
    private readonly hasher: PasswordHasher,
    private readonly authenticator: Authenticator,
    private readonly audit: AuditLog,
  ) {}

  async change(
    principal: Principal,
    input: TChangePasswordRequest,
    req: IncomingMessage,
  ): Promise<void> {
    const userId = principal.user.id;
    await this.confirmation.check(userId, input.currentPassword, 'currentPassword');
    const passwordHash = await this.hasher.hash(input.newPassword);
    const keep = principal.kind === 'session' ? principal.sessionId : null;
    const ended = await this.audit.change(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { passwordHash } });
      const others = await tx.session.findMany({
        where: { userId, ...(keep ? { id: { not: keep } } : {}) },
        select: { id: true },
      });
      await tx.session.deleteMany({ where: { id: { in: others.map((s) => s.id) } } });
      return {
        result: others.map((s) => s.id),
        entry: {
          ...auditFacts(principal, req),
          action: 'auth.password_change' as const,
          outcome: 'success' as const,
          target: principal.user.username,
          details: { endedSessions: others.length },
        },
      };
    });
    for (const id of ended) this.authenticator.evict(id);
  }
}
