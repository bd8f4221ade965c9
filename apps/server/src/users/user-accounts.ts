import type { TUserAccount } from '@berth/shared';
import type { Db } from '../database/prisma.service.js';
import type { User } from '../generated/sqlite/client.js';

/** Users as administrators see them, with their teams and whether two-factor sign-in is on. */
export async function toUserAccounts(db: Db, users: User[]): Promise<TUserAccount[]> {
  const ids = users.map((user) => user.id);
  const [memberships, totps] = await Promise.all([
    db.teamMember.findMany({
      where: { userId: { in: ids } },
      include: { team: { select: { id: true, name: true } } },
      orderBy: { team: { name: 'asc' } },
    }),
    db.userTotp.findMany({
      where: { userId: { in: ids }, enabled: true },
      select: { userId: true },
    }),
  ]);
  const withTotp = new Set(totps.map((t) => t.userId));
  return users.map((user) => ({
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    isAdmin: user.isAdmin,
    disabled: user.disabled,
    totpEnabled: withTotp.has(user.id),
    teams: memberships.filter((m) => m.userId === user.id).map((m) => m.team),
    createdAt: user.createdAt.toISOString(),
  }));
}
