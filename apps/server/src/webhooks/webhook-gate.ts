import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog, type AuditEntry } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from '../containers/caller.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { webhookActor, webhookCaller } from './webhook-caller.js';
import { readWebhookPayload, refusal, type WebhookPayload } from './webhook-payload.js';
import { WebhookRateLimiter } from './webhook-rate-limiter.js';
import {
  checkSignature,
  type Signature,
  storedList,
  type WebhookCall,
} from './webhook-signature.js';

/** A stored webhook as the gate reads it, whatever it acts on. */
export interface GatedWebhook {
  id: string;
  createdById: string;
  secret: string | null;
  rateLimit: number;
  /** JSON list of accepted branches or tags. */
  refs: string;
}

/** Records the call in the audit log with its outcome (never throws). */
export type RecordCall = (
  outcome: AuditEntry['outcome'],
  details: Record<string, unknown>,
) => Promise<void>;

/** A call let through: who it acts as, what it says, and why it changes nothing when it does not. */
export interface Admitted {
  caller: Caller;
  signature: Signature;
  payload: WebhookPayload;
  /** Set when the call names no branch or tag the webhook accepts. */
  skipped?: string;
  record: RecordCall;
}

/**
 * What every webhook call passes before it acts: the webhook's rate (429 with Retry-After), its
 * signature (401), a creator who still exists (404); each refusal audited with the call's source
 * address and payload summary.
 */
@Injectable()
export class WebhookGate {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly limiter: WebhookRateLimiter,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async admit(
    webhook: GatedWebhook,
    call: WebhookCall,
    subject: Pick<AuditEntry, 'action' | 'hostId' | 'target'>,
  ): Promise<Admitted> {
    const payload = readWebhookPayload(call.body, call);
    const record: RecordCall = (outcome, details) =>
      this.audit
        .record({
          actor: webhookActor(webhook.id),
          ...call.facts,
          ...subject,
          outcome,
          details: { webhookId: webhook.id, payload: payload.summary, ...details },
        })
        .catch((error: unknown) => this.log.error({ err: error }, 'audit record failed'));
    try {
      await this.limiter.take(webhook.id, webhook.rateLimit);
    } catch (error) {
      await record('denied', { reason: 'rate limited' });
      throw error;
    }
    const signature = await checkSignature(this.vault, webhook.secret, call);
    if (signature === 'invalid' || signature === 'missing') {
      await record('denied', { signature });
      throw new AppError('UNAUTHENTICATED', `the webhook signature is ${signature}`);
    }
    const caller = await webhookCaller(this.prisma, webhook, call.facts);
    if (!caller) {
      await record('denied', { signature, reason: 'its creator is removed or disabled' });
      throw AppError.notFound('webhook');
    }
    const skipped = refusal(payload, storedList(webhook.refs));
    return { caller, signature, payload, record, ...(skipped ? { skipped } : {}) };
  }

  /** The caller a run admitted earlier (maybe on another replica) acts as, if its creator remains. */
  callerOf(
    webhook: { id: string; createdById: string },
    facts: Caller['facts'],
  ): Promise<Caller | undefined> {
    return webhookCaller(this.prisma, webhook, facts);
  }
}
