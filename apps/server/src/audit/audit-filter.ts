import type { TAuditFilter } from '@berth/shared';
import type { Prisma } from '../generated/sqlite/client.js';

/** The database condition for the audit filters; every given filter must hold. */
export function auditWhere(filter: TAuditFilter): Prisma.AuditEventWhereInput[] {
  const where: Prisma.AuditEventWhereInput[] = [];
  if (filter.actor) {
    where.push({
      OR: [
        { actorId: filter.actor },
        { actorName: filter.actor },
        // Token calls are recorded as "<user> (token <id>)".
        { actorName: { startsWith: `${filter.actor} (token ` } },
      ],
    });
  }
  if (filter.hostId) where.push({ hostId: filter.hostId });
  if (filter.action) {
    where.push(
      filter.action.endsWith('.*')
        ? { action: { startsWith: filter.action.slice(0, -1) } }
        : { action: filter.action },
    );
  }
  if (filter.outcome) where.push({ outcome: filter.outcome });
  if (filter.from) where.push({ time: { gte: new Date(filter.from) } });
  if (filter.to) where.push({ time: { lte: new Date(filter.to) } });
  return where;
}
