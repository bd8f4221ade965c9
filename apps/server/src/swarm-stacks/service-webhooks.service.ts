import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog } from '../audit/audit-log.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from '../containers/caller.js';
import { engineError } from '../containers/engine-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { ObjectWebhooks, type ObjectWebhookTable } from '../webhooks/object-webhooks.js';
import { WebhookGate } from '../webhooks/webhook-gate.js';
import { type RunJournal, WebhookJobs } from '../webhooks/webhook-jobs.js';
import { ServiceForceUpdate } from './service-force-update.js';
import { SwarmHosts } from './swarm-host.js';

/**
 * Webhooks of swarm services, kept by host and service name. Managing one needs swarm.manage on
 * the manager host and the service to exist; a call force-updates the service as the webhook's
 * creator, resolving its image's tag to the registry's digest first unless told not to.
 */
@Injectable()
export class ServiceWebhooksService extends ObjectWebhooks<'service'> {
  constructor(
    prisma: PrismaService,
    vault: Vault,
    audit: AuditLog,
    gate: WebhookGate,
    jobs: WebhookJobs,
    private readonly hosts: SwarmHosts,
    private readonly forceUpdate: ServiceForceUpdate,
    @Inject(LOGGER) log: Logger,
  ) {
    super('service', serviceWebhookTable(prisma), vault, { audit, gate, jobs, log });
  }

  /** The service's name on a manager host the caller may manage; 404 when there is none. */
  protected async objectName(caller: Caller, hostId: string, ref: string): Promise<string> {
    const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.manage');
    try {
      return (await api.inspectService(ref)).Spec.Name;
    } catch (error) {
      throw engineError(error, 'service', permit.engine.name);
    }
  }

  protected run(
    caller: Caller,
    hostId: string,
    service: string,
    pullImage: boolean,
    journal?: RunJournal,
  ) {
    return this.forceUpdate.run(caller, hostId, service, { resolveImage: pullImage }, journal);
  }
}

function serviceWebhookTable(prisma: PrismaService): ObjectWebhookTable {
  const named = <Row extends { service: string }>(row: Row) => ({ ...row, object: row.service });
  return {
    create: (tx, hostId, service, data) =>
      tx.serviceWebhook.create({ data: { hostId, service, ...data } }),
    list: async (hostId, service) =>
      (
        await prisma.db.serviceWebhook.findMany({
          where: { hostId, service },
          orderBy: { createdAt: 'asc' },
        })
      ).map(named),
    rotate: async (tx, { id, hostId, object }, tokenHash) =>
      (
        await tx.serviceWebhook.updateMany({
          where: { id, hostId, service: object },
          data: { tokenHash, rotatedAt: new Date() },
        })
      ).count,
    remove: async (tx, { id, hostId, object }) =>
      (await tx.serviceWebhook.deleteMany({ where: { id, hostId, service: object } })).count,
    byTokenHash: async (tokenHash) => {
      const row = await prisma.db.serviceWebhook.findUnique({ where: { tokenHash } });
      return row && named(row);
    },
    called: async (id) => {
      await prisma.db.serviceWebhook.updateMany({
        where: { id },
        data: { lastCalledAt: new Date() },
      });
    },
  };
}
