import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import {
  BUILT_IN_ROLES,
  type TCreateGrantRequest,
  type TGrant,
  type TGrantQuery,
} from '@berth/shared';
import { auditFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Grant, Prisma } from '../generated/sqlite/client.js';
import { AccessService } from './access.service.js';
import { RolesService } from './roles.service.js';

/** Where a grant applies: one host, every host of a group, or every host. */
type Scope = { hostId: string } | { hostGroup: string } | { allHosts: true };

/** Grants: (user or team) × (host, host group or every host) × role. */
@Injectable()
export class GrantsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roles: RolesService,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
  ) {}

  async list(query: TGrantQuery): Promise<TGrant[]> {
    const where: Prisma.GrantWhereInput[] = [];
    if (query.teamId) where.push({ teamId: query.teamId });
    if (query.userId) where.push(await this.reachingUser(query.userId));
    if (query.hostId) where.push(await this.reachingHost(query.hostId));
    const rows = await this.prisma.db.grant.findMany({
      where: { AND: where },
      orderBy: { createdAt: 'asc' },
    });
    return this.toDtos(rows);
  }

  async create(
    input: TCreateGrantRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TGrant> {
    const scope = scopeOf(input);
    await this.checkReferences(input, scope);
    const data = {
      userId: input.userId ?? null,
      teamId: input.teamId ?? null,
      hostId: 'hostId' in scope ? scope.hostId : null,
      hostGroup: 'hostGroup' in scope ? scope.hostGroup : null,
      allHosts: 'allHosts' in scope,
      role: input.role,
    };
    if (await this.prisma.db.grant.findFirst({ where: data })) {
      throw new AppError('CONFLICT', 'this grant exists already');
    }
    const row = await this.audit.change(async (tx) => {
      const grant = await tx.grant.create({ data });
      return {
        result: grant,
        entry: {
          ...auditFacts(principal, req),
          action: 'grant.create',
          outcome: 'success',
          hostId: data.hostId,
          target: grant.id,
          details: describe(grant),
        },
      };
    });
    this.access.invalidate();
    const [dto] = await this.toDtos([row]);
    if (!dto) throw AppError.notFound('grant');
    return dto;
  }

  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    const grant = await this.prisma.db.grant.findUnique({ where: { id } });
    if (!grant) throw AppError.notFound('grant');
    await this.audit.change(async (tx) => {
      await tx.grant.delete({ where: { id } });
      return {
        result: undefined,
        entry: {
          ...auditFacts(principal, req),
          action: 'grant.delete',
          outcome: 'success',
          hostId: grant.hostId,
          target: id,
          details: describe(grant),
        },
      };
    });
    this.access.invalidate();
  }

  /** Every name a grant points at must exist; each missing one is named by its field. */
  private async checkReferences(input: TCreateGrantRequest, scope: Scope): Promise<void> {
    const db = this.prisma.db;
    const issues: { path: string; message: string }[] = [];
    if (input.userId && !(await db.user.findUnique({ where: { id: input.userId } }))) {
      issues.push({ path: 'userId', message: 'no such user' });
    }
    if (input.teamId && !(await db.team.findUnique({ where: { id: input.teamId } }))) {
      issues.push({ path: 'teamId', message: 'no such team' });
    }
    if ('hostId' in scope && !(await db.host.findUnique({ where: { id: scope.hostId } }))) {
      issues.push({ path: 'hostId', message: 'no such host' });
    }
    if (!(await this.roles.find(input.role))) {
      issues.push({
        path: 'role',
        message: `no such role: give a built-in role (${BUILT_IN_ROLES.join(', ')}) or a custom role id`,
      });
    }
    if (issues.length > 0) throw AppError.validation(issues);
  }

  /** The user's own grants and their teams'. */
  private async reachingUser(userId: string): Promise<Prisma.GrantWhereInput> {
    const teams = await this.prisma.db.teamMember.findMany({
      where: { userId },
      select: { teamId: true },
    });
    return { OR: [{ userId }, { teamId: { in: teams.map((t) => t.teamId) } }] };
  }

  /** Grants on the host, on its group and on every host. */
  private async reachingHost(hostId: string): Promise<Prisma.GrantWhereInput> {
    const host = await this.prisma.db.host.findUnique({
      where: { id: hostId },
      select: { group: true },
    });
    if (!host) throw AppError.notFound('host');
    return {
      OR: [{ hostId }, { allHosts: true }, ...(host.group ? [{ hostGroup: host.group }] : [])],
    };
  }

  private async toDtos(rows: Grant[]): Promise<TGrant[]> {
    const names = new Map((await this.roles.list()).map((role) => [role.id, role.name]));
    return rows.map((row) => ({
      id: row.id,
      userId: row.userId,
      teamId: row.teamId,
      hostId: row.hostId,
      hostGroup: row.hostGroup,
      allHosts: row.allHosts,
      role: row.role,
      roleName: names.get(row.role) ?? row.role,
      createdAt: row.createdAt.toISOString(),
    }));
  }
}

/** `hostId: "*"` is how the contract spells "every host". */
function scopeOf(input: TCreateGrantRequest): Scope {
  if (input.allHosts || input.hostId === '*') return { allHosts: true };
  if (input.hostGroup !== undefined) return { hostGroup: input.hostGroup };
  return { hostId: input.hostId ?? '' };
}

function describe(grant: Grant): Record<string, unknown> {
  return {
    userId: grant.userId,
    teamId: grant.teamId,
    hostId: grant.hostId,
    hostGroup: grant.hostGroup,
    allHosts: grant.allHosts,
    role: grant.role,
  };
}
