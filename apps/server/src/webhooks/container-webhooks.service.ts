import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog } from '../audit/audit-log.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess } from '../containers/container-access.js';
import { ContainerRecreateService } from '../containers/container-recreate.service.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { ObjectWebhooks, type ObjectWebhookTable } from './object-webhooks.js';
import { WebhookGate } from './webhook-gate.js';
import { type RunJournal, WebhookJobs } from './webhook-jobs.js';

/**
 * Webhooks of single containers, kept by host and container name (a recreate keeps the name, not
 * the id). Managing one needs container.create and container.delete on the host with the
 * container within reach; a call recreates the container with its configuration (pulling its
 * image first unless told not to) through `ContainerRecreateService`, as the webhook's creator.
 * An attempt again of a run (a job taken over from a stopped replica) passes the run's journal,
 * so a recreate the first attempt finished or left half-done is recorded or finished, not redone.
 */
@Injectable()
export class ContainerWebhooksService extends ObjectWebhooks<'container'> {
  constructor(
    prisma: PrismaService,
    vault: Vault,
    audit: AuditLog,
    gate: WebhookGate,
    jobs: WebhookJobs,
    private readonly access: ContainerAccess,
    private readonly recreate: ContainerRecreateService,
    @Inject(LOGGER) log: Logger,
  ) {
    super('container', containerWebhookTable(prisma), vault, { audit, gate, jobs, log });
  }

  protected async objectName(caller: Caller, hostId: string, ref: string): Promise<string> {
    await this.access.requireContainer(caller.principal, hostId, ref, 'container.create');
    const { container } = await this.access.requireContainer(
      caller.principal,
      hostId,
      ref,
      'container.delete',
    );
    return container.name;
  }

  protected run(
    caller: Caller,
    hostId: string,
    container: string,
    pull: boolean,
    journal?: RunJournal,
  ) {
    return this.recreate.recreate(caller, hostId, container, { pull }, journal);
  }
}

function containerWebhookTable(prisma: PrismaService): ObjectWebhookTable {
  const named = <Row extends { container: string }>(row: Row) => ({
    ...row,
    object: row.container,
  });
  return {
    create: (tx, hostId, container, data) =>
      tx.containerWebhook.create({ data: { hostId, container, ...data } }),
    list: async (hostId, container) =>
      (
        await prisma.db.containerWebhook.findMany({
          where: { hostId, container },
          orderBy: { createdAt: 'asc' },
        })
      ).map(named),
    rotate: async (tx, { id, hostId, object }, tokenHash) =>
      (
        await tx.containerWebhook.updateMany({
          where: { id, hostId, container: object },
          data: { tokenHash, rotatedAt: new Date() },
        })
      ).count,
    remove: async (tx, { id, hostId, object }) =>
      (await tx.containerWebhook.deleteMany({ where: { id, hostId, container: object } })).count,
    byTokenHash: async (tokenHash) => {
      const row = await prisma.db.containerWebhook.findUnique({ where: { tokenHash } });
      return row && named(row);
    },
    called: async (id) => {
      await prisma.db.containerWebhook.updateMany({
        where: { id },
        data: { lastCalledAt: new Date() },
      });
    },
  };
}
