import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TApiToken, TCreateTokenRequest, TCreateTokenResponse } from '@berth/shared';
import { auditFacts } from '../audit/audit-context.js';
import { type AuditEntry, AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';
import { digest, newSecret } from './secrets.js';

const DAY_MS = 86_400_000;

/**
 * API tokens for scripts and the docker CLI: shown once, stored as a digest, expirable, revocable.
 * Each create and revoke is written with its audit record in one transaction (`audit.change`).
 */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly authenticator: Authenticator,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal): Promise<TApiToken[]> {
    const rows = await this.prisma.db.apiToken.findMany({
      where: { userId: principal.user.id, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    }));
  }

  async create(
    principal: Principal,
    input: TCreateTokenRequest,
    req: IncomingMessage,
  ): Promise<TCreateTokenResponse> {
    const token = newSecret('berth');
    const data = {
      userId: principal.user.id,
      name: input.name,
      tokenHash: digest(token),
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
    };
    const row = await this.audit.change(async (tx) => {
      const created = await tx.apiToken.create({ data, select: { id: true } });
      // The token and its digest stay out of the record: its id names it.
      const entry: AuditEntry = {
        ...auditFacts(principal, req),
        action: 'token.create',
        outcome: 'success',
        target: created.id,
        details: { name: input.name, expiresInDays: input.expiresInDays ?? null },
      };
      return { result: created, entry };
    });
    return { id: row.id, token };
  }

  async revoke(principal: Principal, id: string, req: IncomingMessage): Promise<void> {
    const row = await this.prisma.db.apiToken.findUnique({ where: { id } });
    if (!row || row.revokedAt || (row.userId !== principal.user.id && !principal.user.isAdmin)) {
      throw AppError.notFound('token');
    }
    await this.audit.change(async (tx) => {
      // Only a token still live is revoked, so two revokes at once record one revocation.
      const { count } = await tx.apiToken.updateMany({
        where: { id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) throw AppError.notFound('token');
      const entry: AuditEntry = {
        ...auditFacts(principal, req),
        action: 'token.revoke',
        outcome: 'success',
        target: id,
      };
      return { result: undefined, entry };
    });
    // After the commit: a cached credential dropped earlier could be cached again meanwhile.
    this.authenticator.evict(row.tokenHash);
  }
}
