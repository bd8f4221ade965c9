import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { digest, safeEqual } from './secrets.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const COUNT = 10;
const ZDigests = z.string().transform((text, ctx) => {
  try {
    return z.array(z.string()).parse(JSON.parse(text));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a list of digests' });
    return z.NEVER;
  }
});

/** Ten one-time codes for signing in without the authenticator app (50 random bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
}

/** What is stored: the digests as JSON text, never the codes. */
export function recoveryDigests(codes: string[]): string {
  return JSON.stringify(codes.map((code) => digest(code)));
}

export function isRecoveryCode(code: string): boolean {
  return code.includes('-');
}

/** The stored list without `code`, or null when `code` is not one of the unused ones. */
export function takeRecoveryCode(stored: string, code: string): string | null {
  const parsed = ZDigests.safeParse(stored);
  if (!parsed.success) return null;
  const wanted = digest(code.trim().toLowerCase());
  const index = parsed.data.findIndex((candidate) => safeEqual(candidate, wanted));
  if (index < 0) return null;
  return JSON.stringify(parsed.data.filter((_, i) => i !== index));
}
