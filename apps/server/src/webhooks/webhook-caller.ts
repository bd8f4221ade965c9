import type { AuditActor } from '../audit/audit-log.js';
import type { Caller } from '../containers/caller.js';
import type { PrismaService } from '../database/prisma.service.js';

/** The caller a webhook acts as: its creator (permissions are checked as theirs), recorded as it. */
export function webhookCaller(
  prisma: PrismaService,
  webhook: { id: string; createdById: string },
  facts: Caller['facts'],
): Promise<Caller | undefined> {
  return actingFor(prisma, webhook.createdById, webhookActor(webhook.id), facts);
}

/**
 * The caller an automatic trigger (a webhook, a git poll) acts as: the user it was made by, recorded
 * as `actor`. Undefined when that user is removed or disabled.
 */
export async function actingFor(
  prisma: PrismaService,
  userId: string,
  actor: AuditActor,
  facts: Caller['facts'],
): Promise<Caller | undefined> {
  const creator = await prisma.db.user.findUnique({ where: { id: userId } });
  if (!creator || creator.disabled) return undefined;
  return {
    principal: {
      kind: 'token',
      user: {
        id: creator.id,
        username: creator.username,
        displayName: creator.displayName,
        isAdmin: creator.isAdmin,
      },
      tokenId: actor.name,
    },
    actor,
    facts,
  };
}

export function webhookActor(id: string) {
  return { type: 'webhook' as const, id, name: `webhook ${id}` };
}
