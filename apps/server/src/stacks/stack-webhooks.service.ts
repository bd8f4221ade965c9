import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { verify } from '@octokit/webhooks-methods';
import type {
  TCreateStackWebhookRequest,
  TStackWebhookList,
  TStackWebhookTriggered,
  TStackWebhookUrl,
} from '@berth/shared';
import type { Logger } from 'pino';
import { AuditLog, type AuditEntry } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from '../containers/caller.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { StackWebhookQueue } from './stack-webhook-queue.js';
import { StacksService } from './stacks.service.js';

/** What a webhook call brings: its token, raw body, signature headers and source address. */
export interface WebhookCall {
  token: string;
  body: Buffer;
  hubSignature?: string;
  gitlabToken?: string;
  facts: Caller['facts'];
}

type Signature = 'valid' | 'invalid' | 'missing' | 'not required';

/**
 * Webhooks that redeploy a stack. The URL's token is random and stored only as its SHA-256 hash;
 * a webhook with a secret accepts only signed calls. A call redeploys as the webhook's creator
 * (who must still have stack.deploy), coalesced per stack by `StackWebhookQueue`.
 */
@Injectable()
export class StackWebhooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly stacks: StacksService,
    private readonly queue: StackWebhookQueue,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async create(
    caller: Caller,
    stackId: string,
    body: TCreateStackWebhookRequest,
    base: string,
  ): Promise<TStackWebhookUrl> {
    const { stack, permit } = await this.stacks.stackFor(caller, stackId, 'stack.deploy');
    const token = newToken();
    const webhook = await this.audit.change(async (tx) => {
      const row = await tx.stackWebhook.create({
        data: {
          stackId: stack.id,
          tokenHash: hashOf(token),
          secret: body.secret ? this.vault.seal(body.secret) : null,
          pullImages: body.pullImages,
          createdById: caller.principal.user.id,
        },
      });
      const details = {
        webhookId: row.id,
        signed: Boolean(body.secret),
        pullImages: body.pullImages,
      };
      return {
        result: row,
        entry: this.entry(
          caller,
          'stack.webhook.create',
          permit.engine.hostId,
          stack.name,
          details,
        ),
      };
    });
    return { id: webhook.id, url: urlOf(base, token) };
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
    const token = newToken();
    await this.audit.change(async (tx) => {
      const changed = await tx.stackWebhook.updateMany({
        where: { id: webhookId, stackId: stack.id },
        data: { tokenHash: hashOf(token), rotatedAt: new Date() },
      });
      if (changed.count === 0) throw AppError.notFound('webhook');
      const entry = this.entry(caller, 'stack.webhook.rotate', permit.engine.hostId, stack.name, {
        webhookId,
      });
      return { result: undefined, entry };
    });
    return { id: webhookId, url: urlOf(base, token) };
  }

  async revoke(caller: Caller, stackId: string, webhookId: string): Promise<void> {
    const { stack, permit } = await this.stacks.stackFor(caller, stackId, 'stack.deploy');
    await this.audit.change(async (tx) => {
      const removed = await tx.stackWebhook.deleteMany({
        where: { id: webhookId, stackId: stack.id },
      });
      if (removed.count === 0) throw AppError.notFound('webhook');
      const entry = this.entry(caller, 'stack.webhook.revoke', permit.engine.hostId, stack.name, {
        webhookId,
      });
      return { result: undefined, entry };
    });
  }

  /**
   * A call of a webhook URL: 404 for an unknown token, 401 (recorded, nothing else changes) for a
   * bad or missing signature, else the redeploy it started or the queued one it joined.
   */
  async trigger(call: WebhookCall): Promise<TStackWebhookTriggered> {
    const hash = hashOf(call.token);
    const webhook = await this.prisma.db.stackWebhook.findUnique({
      where: { tokenHash: hash },
      include: { stack: { select: { id: true, name: true, hostId: true } } },
    });
    // The row is found by its hash; comparing the hashes again takes the same time for every token.
    if (!webhook || !timingSafeEqual(Buffer.from(webhook.tokenHash), Buffer.from(hash))) {
      throw AppError.notFound('webhook');
    }
    const signature = await this.checkSignature(webhook.secret, call);
    const actor = { type: 'webhook' as const, id: webhook.id, name: `webhook ${webhook.id}` };
    const record = (outcome: AuditEntry['outcome'], details: Record<string, unknown>) =>
      this.audit
        .record({
          actor,
          ...call.facts,
          action: 'stack.webhook.trigger',
          outcome,
          hostId: webhook.stack.hostId,
          target: webhook.stack.name,
          details: { webhookId: webhook.id, signature, ...details },
        })
        .catch((error: unknown) => this.log.error({ err: error }, 'audit record failed'));
    if (signature === 'invalid' || signature === 'missing') {
      await record('denied', {});
      throw new AppError('UNAUTHENTICATED', `the webhook signature is ${signature}`);
    }
    const creator = await this.prisma.db.user.findUnique({ where: { id: webhook.createdById } });
    if (!creator || creator.disabled) {
      await record('denied', { reason: 'its creator is removed or disabled' });
      throw AppError.notFound('webhook');
    }
    const caller: Caller = {
      principal: {
        kind: 'token',
        user: {
          id: creator.id,
          username: creator.username,
          displayName: creator.displayName,
          isAdmin: creator.isAdmin,
        },
        tokenId: `webhook ${webhook.id}`,
      },
      actor,
      facts: call.facts,
    };
    const triggeredBy = `webhook ${webhook.id} from ${call.facts.ip ?? '?'} (signature ${signature})`;
    try {
      const triggered = await this.queue.trigger(
        webhook.stack,
        (deploymentId) =>
          this.stacks.redeployStored(caller, webhook.stack.id, {
            pullImages: webhook.pullImages,
            triggeredBy,
            ...(deploymentId ? { deploymentId } : {}),
          }),
        triggeredBy,
      );
      await this.prisma.db.stackWebhook.updateMany({
        where: { id: webhook.id },
        data: { lastCalledAt: new Date() },
      });
      await record('success', { deploymentId: triggered.deploymentId, status: triggered.status });
      return { stackId: webhook.stack.id, ...triggered };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await record('failure', { error: message });
      throw error;
    }
  }

  private async checkSignature(secret: string | null, call: WebhookCall): Promise<Signature> {
    if (secret === null) return 'not required';
    const key = this.vault.open(secret);
    if (call.hubSignature) {
      try {
        return (await verify(key, call.body.toString('utf8'), call.hubSignature))
          ? 'valid'
          : 'invalid';
      } catch {
        return 'invalid';
      }
    }
    if (call.gitlabToken !== undefined) {
      // Compared as hashes: equal lengths, and the time taken says nothing about the secret.
      return timingSafeEqual(sha256(call.gitlabToken), sha256(key)) ? 'valid' : 'invalid';
    }
    return 'missing';
  }

  private entry(
    caller: Caller,
    action: AuditEntry['action'],
    hostId: string,
    target: string,
    details: Record<string, unknown>,
  ): AuditEntry {
    return {
      actor: caller.actor,
      ...caller.facts,
      action,
      outcome: 'success',
      hostId,
      target,
      details,
    };
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function hashOf(token: string): string {
  return sha256(token).toString('hex');
}

function urlOf(base: string, token: string): string {
  return `${base}/api/webhooks/${token}`;
}
