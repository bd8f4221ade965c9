import type { AuditEntry } from '../audit/audit-log.js';
import type { Caller } from '../containers/caller.js';
import type { Vault } from '../vault/vault.js';
import { newWebhookToken, storedList, tokenHash } from './webhook-signature.js';

/** What a webhook of a single object (a container, a service) is created with. */
export interface ObjectWebhookOptions {
  secret?: string | undefined;
  pullImage: boolean;
  refs: string[];
  rateLimit: number;
}

/** A stored webhook of a single object, as its table holds it. */
export interface ObjectWebhookRow {
  id: string;
  hostId: string;
  secret: string | null;
  pullImage: boolean;
  refs: string;
  rateLimit: number;
  createdAt: Date;
  rotatedAt: Date | null;
  lastCalledAt: Date | null;
}

/**
 * The columns of a new webhook (the token only as its hash, the secret sealed) and the token for
 * its URL, answered once.
 */
export function newObjectWebhook(vault: Vault, options: ObjectWebhookOptions, createdById: string) {
  const token = newWebhookToken();
  return {
    token,
    data: {
      tokenHash: tokenHash(token),
      secret: options.secret ? vault.seal(options.secret) : null,
      pullImage: options.pullImage,
      refs: JSON.stringify(options.refs),
      rateLimit: options.rateLimit,
      createdById,
    },
  };
}

/** The audit details of a new webhook: whether it is signed, never its secret or token. */
export function createdDetails(id: string, options: ObjectWebhookOptions) {
  return {
    webhookId: id,
    signed: Boolean(options.secret),
    pullImage: options.pullImage,
    refs: options.refs,
    rateLimit: options.rateLimit,
  };
}

/** A stored webhook as listed: without its token or secret. */
export function objectWebhookView(row: ObjectWebhookRow) {
  return {
    id: row.id,
    hostId: row.hostId,
    signed: row.secret !== null,
    pullImage: row.pullImage,
    refs: storedList(row.refs),
    rateLimit: row.rateLimit,
    createdAt: row.createdAt.toISOString(),
    rotatedAt: row.rotatedAt?.toISOString() ?? null,
    lastCalledAt: row.lastCalledAt?.toISOString() ?? null,
  };
}

/** The audit record of a webhook change by `caller`. */
export function webhookChange(
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
