import { Injectable } from '@nestjs/common';
import type { TUserName } from '@berth/shared';
import type { PrincipalUser } from '../auth/principal.js';
import { PrismaService } from '../database/prisma.service.js';

/**
 * Names for the user ids that owner labels carry. A user learns only the names of people they
 * already work with: themselves and the members of their teams; administrators, anyone's.
 * Ids outside that, or unknown, are left out, so asking reveals nothing about them.
 */
@Injectable()
export class UserNames {
  constructor(private readonly prisma: PrismaService) {}

  async of(caller: PrincipalUser, ids: readonly string[]): Promise<TUserName[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const visible = caller.isAdmin ? wanted : await this.knownTo(caller, wanted);
    const users = await this.prisma.db.user.findMany({
      where: { id: { in: visible } },
      select: { id: true, username: true, displayName: true },
    });
    return users.map((u) => ({ id: u.id, name: u.displayName || u.username }));
  }

  /** Of `ids`: the caller and those who share a team with them. */
  private async knownTo(caller: PrincipalUser, ids: string[]): Promise<string[]> {
    const db = this.prisma.db;
    const teams = await db.teamMember.findMany({ where: { userId: caller.id } });
    const mates = await db.teamMember.findMany({
      where: { teamId: { in: teams.map((t) => t.teamId) }, userId: { in: ids } },
    });
    const known = new Set([caller.id, ...mates.map((m) => m.userId)]);
    return ids.filter((id) => known.has(id));
  }
}
