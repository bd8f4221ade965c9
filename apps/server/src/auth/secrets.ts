import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random credential with a recognisable prefix (so leaked tokens can be found by scanners). */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * Credentials are high-entropy, so one SHA-256 is enough to store them unreadably. Every gateway
 * call digests its token: the one-shot `hash` costs a quarter of a Hash object.
 */
export function digest(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
