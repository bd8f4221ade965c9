import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TEndedSessions, TSession } from '@berth/shared';
import { auditFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

/**
 * Your own sign-in sessions. A session's id is the SHA-256 digest of its cookie, which is what is
 * stored; the cookie itself cannot be derived from it.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly authenticator: Authenticator,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal): Promise<TSession[]> {
    const rows = await this.prisma.db.session.findMany({
      where: { userId: principal.user.id, expiresAt: { gt: new Date() } },
      orderBy: { lastSeenAt: 'desc' },
    });
    const current = principal.kind === 'session' ? principal.sessionId : null;
    return rows.map((row) => ({
      id: row.id,
      ip: row.ip,
      userAgent: row.userAgent,
      createdAt: row.createdAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      current: row.id === current,
    }));
  }

  /** Ends one of your sessions at once (on this replica; others drop it within seconds). */
  async revoke(principal: Principal, id: string, req: IncomingMessage): Promise<void> {
    const own = await this.prisma.db.session.findFirst({
      where: { id, userId: principal.user.id },
      select: { id: true },
    });
    if (!own) throw AppError.notFound('session');
    await this.audit.change(async (tx) => {
      await tx.session.deleteMany({ where: { id } });
      return {
        result: undefined,
        entry: {
          ...auditFacts(principal, req),
          action: 'session.revoke',
          outcome: 'success',
          // The digest's prefix is enough to tell sessions apart in the log.
          target: id.slice(0, 12),
        },
      };
    });
    this.authenticator.evict(id);
  }

  /** Ends every one of your sessions but the one asking (all of them when a token asks). */
  async revokeOthers(principal: Principal, req: IncomingMessage): Promise<TEndedSessions> {
    const keep = principal.kind === 'session' ? principal.sessionId : null;
    const ended = await this.audit.change(async (tx) => {
      const others = await tx.session.findMany({
        where: { userId: principal.user.id, ...(keep ? { id: { not: keep } } : {}) },
        select: { id: true },
      });
      await tx.session.deleteMany({ where: { id: { in: others.map((s) => s.id) } } });
      return {
        result: others.map((s) => s.id),
        entry: {
          ...auditFacts(principal, req),
          action: 'session.revoke' as const,
          outcome: 'success' as const,
          target: 'others',
          details: { ended: others.length },
        },
      };
    });
    for (const id of ended) this.authenticator.evict(id);
    return { ended: ended.length };
  }
}
