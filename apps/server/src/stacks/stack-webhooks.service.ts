import { Injectable } from '@nestjs/common';
import type {
  TCreateStackWebhookRequest,
  TStackWebhookList,
  TStackWebhookUrl,
  TWebhookAnswer,
} from '@berth/shared';
import { AuditLog } from '../audit/audit-log.js';
import { webhookChange } from '../webhooks/webhook-records.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { WebhookGate } from '../webhooks/webhook-gate.js';
import {
  newWebhookToken,
  sameHash,
  storedList,
  tokenHash,
  type WebhookCall,
  webhookUrl,
} from '../webhooks/webhook-signature.js';
import { WebhookJobs } from '../webhooks/webhook-jobs.js';
import { type StackRun, StackWebhookQueue } from './stack-webhook-queue.js';
import { StacksService } from './stacks.service.js';

/**
 * Webhooks that redeploy a stack. The URL's token is random and stored only as its SHA-256 hash;
 * a webhook with a secret accepts only signed calls, at most `rateLimit` a minute. A call that
 * names no accepted branch or tag is recorded as skipped; others redeploy (only the webhook's
 * services, when it names some) as the webhook's creator (who must still have stack.deploy),
 * coalesced per stack by `StackWebhookQueue` (with REDIS_URL across replicas, as BullMQ jobs any
 * replica runs as the webhook's creator).
 */
@Injectable()
export class StackWebhooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly stacks: StacksService,
    private readonly queue: StackWebhookQueue,
    private readonly gate: WebhookGate,
    private readonly jobs: WebhookJobs,
  ) {
    jobs.handle<StackRun>('stack', {
      ready: (run) => this.queue.idle(run.stackId),
      run: (run, deploymentId) => this.runJob(run, deploymentId),
    });
  }

  async create(
    caller: Caller,
    stackId: string,
    body: TCreateStackWebhookRequest,
    base: string,
  ): Promise<TStackWebhookUrl> {
    const { stack, permit } = await this.stacks.stackFor(caller, stackId, 'stack.deploy');
    await this.stacks.assertServices(stack, body.services);
    const token = newWebhookToken();
    const webhook = await this.audit.change(async (tx) => {
      const row = await tx.stackWebhook.create({
        data: {
          stackId: stack.id,
          tokenHash: tokenHash(token),
          secret: body.secret ? this.vault.seal(body.secret) : null,
          pullImages: body.pullImages,
          refs: JSON.stringify(body.refs),
          services: JSON.stringify(body.services),
          rateLimit: body.rateLimit,
          createdById: caller.principal.user.id,
        },
      });
      const details = {
        webhookId: row.id,
        signed: Boolean(body.secret),
        pullImages: body.pullImages,
        refs: body.refs,
        services: body.services,
        rateLimit: body.rateLimit,
      };
      return {
        result: row,
        entry: webhookChange(
          caller,
          'stack.webhook.create',
          permit.engine.hostId,
          stack.name,
          details,
        ),
      };
    });
    return { id: webhook.id, url: webhookUrl(base, token) };
  }

  async list(caller: Caller, stackId: string): Promise<TStackWebhookList> {
    const { stack } = await this.stacks.stackFor(caller, stackId, 'stack.deploy');
    const rows = await this.prisma.db.stackWebhook.findMany({
      where: { stackId: stack.id },
      orderBy: { createdAt: 'asc' },
    });
    return {
      items: rows.map((row) => ({
        id: row.id,
        stackId: row.stackId,
        signed: row.secret !== null,
        pullImages: row.pullImages,
        refs: storedList(row.refs),
        services: storedList(row.services),
        rateLimit: row.rateLimit,
        createdAt: row.createdAt.toISOString(),
        rotatedAt: row.rotatedAt?.toISOString() ?? null,
        lastCalledAt: row.lastCalledAt?.toISOString() ?? null,
      })),
    };
  }

  async rotate(
    caller: Caller,
    stackId: string,
    webhookId: string,
    base: string,
  ): Promise<TStackWebhookUrl> {
    const { stack, permit } = await this.stacks.stackFor(caller, stackId, 'stack.deploy');
    const token = newWebhookToken();
    await this.audit.change(async (tx) => {
      const changed = await tx.stackWebhook.updateMany({
        where: { id: webhookId, stackId: stack.id },
        data: { tokenHash: tokenHash(token), rotatedAt: new Date() },
      });
      if (changed.count === 0) throw AppError.notFound('webhook');
      const entry = webhookChange(
        caller,
        'stack.webhook.rotate',
        permit.engine.hostId,
        stack.name,
        {
          webhookId,
        },
      );
      return { result: undefined, entry };
    });
    return { id: webhookId, url: webhookUrl(base, token) };
  }

  async revoke(caller: Caller, stackId: string, webhookId: string): Promise<void> {
    const { stack, permit } = await this.stacks.stackFor(caller, stackId, 'stack.deploy');
    await this.audit.change(async (tx) => {
      const removed = await tx.stackWebhook.deleteMany({
        where: { id: webhookId, stackId: stack.id },
      });
      if (removed.count === 0) throw AppError.notFound('webhook');
      const entry = webhookChange(
        caller,
        'stack.webhook.revoke',
        permit.engine.hostId,
        stack.name,
        {
          webhookId,
        },
      );
      return { result: undefined, entry };
    });
  }

  /**
   * A call of a webhook URL: undefined when the token is no stack webhook's, 429 past its rate,
   * 401 (recorded, nothing else changes) for a bad or missing signature, skipped (recorded in the
   * history) when it names no accepted branch or tag, else the redeploy it started or the queued
   * one it joined.
   */
  async trigger(call: WebhookCall): Promise<TWebhookAnswer | undefined> {
    const hash = tokenHash(call.token);
    const webhook = await this.prisma.db.stackWebhook.findUnique({
      where: { tokenHash: hash },
      include: { stack: { select: { id: true, name: true, hostId: true } } },
    });
    if (!webhook || !sameHash(webhook.tokenHash, hash)) return undefined;
    const { caller, signature, payload, skipped, record } = await this.gate.admit(webhook, call, {
      action: 'stack.webhook.trigger',
      hostId: webhook.stack.hostId,
      target: webhook.stack.name,
    });
    const triggeredBy = `webhook ${webhook.id} from ${call.facts.ip ?? '?'} (signature ${signature}): ${payload.summary}`;
    if (skipped) {
      const row = await this.prisma.db.stackDeployment.create({
        data: {
          stackId: webhook.stack.id,
          status: 'skipped',
          trigger: 'webhook',
          triggeredBy,
          output: `skipped: ${skipped}`,
          finishedAt: new Date(),
        },
      });
      await record('success', { signature, skipped, deploymentId: row.id });
      return { status: 'skipped', reason: skipped, deploymentId: row.id };
    }
    const run: StackRun = {
      webhook: { id: webhook.id, createdById: webhook.createdById },
      stackId: webhook.stack.id,
      pullImages: webhook.pullImages,
      services: storedList(webhook.services),
      triggeredBy,
      facts: call.facts,
    };
    try {
      const triggered = this.jobs.shared
        ? await this.queue.triggerShared(run)
        : await this.queue.trigger(
            webhook.stack,
            (deploymentId) => this.redeploy(caller, run, deploymentId),
            triggeredBy,
          );
      await this.prisma.db.stackWebhook.updateMany({
        where: { id: webhook.id },
        data: { lastCalledAt: new Date() },
      });
      await record('success', {
        signature,
        deploymentId: triggered.deploymentId,
        status: triggered.status,
      });
      return { stackId: webhook.stack.id, ...triggered };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await record('failure', { signature, error: message });
      throw error;
    }
  }

  /** A shared job's redeploy, on whichever replica took it, as the webhook's creator. */
  private async runJob(run: StackRun, deploymentId: string): Promise<void> {
    const caller = await this.gate.callerOf(run.webhook, run.facts);
    await this.queue.runShared(
      run.stackId,
      deploymentId,
      caller
        ? (queuedId) => this.redeploy(caller, run, queuedId)
        : "the webhook's creator is removed or disabled",
    );
  }

  private redeploy(caller: Caller, run: StackRun, deploymentId?: string) {
    return this.stacks.redeployStored(caller, run.stackId, {
      pullImages: run.pullImages,
      services: run.services,
      triggeredBy: run.triggeredBy,
      ...(deploymentId ? { deploymentId } : {}),
    });
  }
}
