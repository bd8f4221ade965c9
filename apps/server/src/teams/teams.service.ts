import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TCreateTeamRequest, TTeam } from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import { auditFacts } from '../audit/audit-context.js';
import { type AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { orConflict } from '../admin/unique-conflict.js';

/** Teams group users so grants and resource ownership can be given to many at once. */
@Injectable()
export class TeamsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<TTeam[]> {
    const teams = await this.prisma.db.team.findMany({ orderBy: { name: 'asc' } });
    return Promise.all(teams.map((team) => this.toDto(team)));
  }

  async create(
    input: TCreateTeamRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TTeam> {
    const taken = `a team named "${input.name}" exists`;
    if (await this.prisma.db.team.findUnique({ where: { name: input.name } })) {
      throw new AppError('CONFLICT', taken, {
        issues: [{ path: 'name', message: 'already taken' }],
      });
    }
    const team = await orConflict(
      () =>
        this.audit.change(async (tx) => {
          const row = await tx.team.create({ data: { name: input.name } });
          return { result: row, entry: this.entry('team.create', row, principal, req) };
        }),
      'name',
      taken,
    );
    this.access.invalidate();
    return this.toDto(team);
  }

  /** Adds a member; adding someone who is already a member changes nothing. */
  async addMember(
    teamId: string,
    userId: string,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TTeam> {
    const team = await this.find(teamId);
    const user = await this.prisma.db.user.findUnique({ where: { id: userId } });
    if (!user) throw AppError.validation([{ path: 'userId', message: 'no such user' }]);
    const key = { teamId_userId: { teamId, userId } };
    if (!(await this.prisma.db.teamMember.findUnique({ where: key }))) {
      await this.audit.change(async (tx) => {
        await tx.teamMember.create({ data: { teamId, userId } });
        const entry = this.entry('team.member_add', team, principal, req, {
          userId,
          username: user.username,
        });
        return { result: undefined, entry };
      });
      this.access.invalidate();
    }
    return this.toDto(team);
  }

  async removeMember(
    teamId: string,
    userId: string,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<void> {
    const team = await this.find(teamId);
    const key = { teamId_userId: { teamId, userId } };
    if (!(await this.prisma.db.teamMember.findUnique({ where: key }))) {
      throw AppError.notFound('team member');
    }
    await this.audit.change(async (tx) => {
      await tx.teamMember.delete({ where: key });
      return {
        result: undefined,
        entry: this.entry('team.member_remove', team, principal, req, { userId }),
      };
    });
    this.access.invalidate();
  }

  /** Deletes the team, its memberships and its grants. Labels naming it stay on resources. */
  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    const team = await this.find(id);
    await this.audit.change(async (tx) => {
      await tx.grant.deleteMany({ where: { teamId: id } });
      await tx.team.delete({ where: { id } });
      return { result: undefined, entry: this.entry('team.delete', team, principal, req) };
    });
    this.access.invalidate();
  }

  private async find(id: string): Promise<{ id: string; name: string; createdAt: Date }> {
    const team = await this.prisma.db.team.findUnique({ where: { id } });
    if (!team) throw AppError.notFound('team');
    return team;
  }

  private async toDto(team: { id: string; name: string; createdAt: Date }): Promise<TTeam> {
    const members = await this.prisma.db.teamMember.findMany({ where: { teamId: team.id } });
    const users = await this.prisma.db.user.findMany({
      where: { id: { in: members.map((m) => m.userId) } },
      orderBy: { username: 'asc' },
    });
    return {
      id: team.id,
      name: team.name,
      members: users.map((u) => ({
        userId: u.id,
        username: u.username,
        displayName: u.displayName,
      })),
      createdAt: team.createdAt.toISOString(),
    };
  }

  private entry(
    action: 'team.create' | 'team.delete' | 'team.member_add' | 'team.member_remove',
    team: { id: string; name: string },
    principal: Principal,
    req: IncomingMessage,
    details: Record<string, unknown> = {},
  ): AuditEntry {
    return {
      ...auditFacts(principal, req),
      action,
      outcome: 'success',
      target: team.name,
      details: { teamId: team.id, ...details },
    };
  }
}
