import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';
import type { Caller } from '../containers/caller.js';
import type { Vault } from '../vault/vault.js';

/** What a webhook call brings: its token, raw body, signature and event headers, source address. */
export interface WebhookCall {
  token: string;
  body: Buffer;
  hubSignature?: string;
  gitlabToken?: string;
  /** `X-GitHub-Event`, `X-Gitlab-Event`, `X-Gitea-Event`. */
  event?: string;
  gitlabEvent?: string;
  giteaEvent?: string;
  /** How the body is encoded: JSON, or GitHub's form with the JSON in its `payload` field. */
  contentType?: string;
  facts: Caller['facts'];
}

export type Signature = 'valid' | 'invalid' | 'missing' | 'not required';

/**
 * Checks a call against a webhook's sealed secret: `X-Hub-Signature-256` (HMAC-SHA256 of the raw
 * body, verified by @octokit/webhooks-methods) or `X-Gitlab-Token` equal to the secret.
 */
export async function checkSignature(
  vault: Vault,
  secret: string | null,
  call: WebhookCall,
): Promise<Signature> {
  if (secret === null) return 'not required';
  const key = vault.open(secret);
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

export function newWebhookToken(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** How a token is stored and looked up: its hex SHA-256. */
export function tokenHash(token: string): string {
  return sha256(token).toString('hex');
}

/** The row's hash compared again in constant time: every token takes the same time. */
export function sameHash(stored: string, hash: string): boolean {
  return timingSafeEqual(Buffer.from(stored), Buffer.from(hash));
}

export function webhookUrl(base: string, token: string): string {
  return `${base}/api/webhooks/${token}`;
}

/** Options kept as JSON text: a list of strings, or empty when unreadable. */
export function storedList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
