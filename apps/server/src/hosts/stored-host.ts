import { type TEngineFacts, type THostStatus, ZEngineFacts, ZHostStatus } from '@berth/shared';
import { z } from 'zod';
import type { HostSecrets } from '../docker/engine-endpoint.js';

/**
 * The host columns stored as JSON text, read back through zod: a row written by an older version
 * or edited by hand gives a safe value (no tags, unknown status, no engine facts), never a wrong
 * type deeper in the server.
 */
const ZTags = z.array(z.string());

const ZHostSecrets = z.object({
  tls: z.object({ ca: z.string().optional(), cert: z.string(), key: z.string() }).optional(),
  ssh: z.object({ privateKey: z.string(), passphrase: z.string().optional() }).optional(),
}) satisfies z.ZodType<HostSecrets>;

function parsed<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export function storedTags(text: string): string[] {
  return parsed(ZTags, text) ?? [];
}

export function storedStatus(text: string): THostStatus {
  const result = ZHostStatus.safeParse(text);
  return result.success ? result.data : 'unknown';
}

export function storedEngine(text: string | null): TEngineFacts | null {
  return text === null ? null : parsed(ZEngineFacts, text);
}

/**
 * The opened secrets envelope, or null when it does not hold what a host's secrets look like (the
 * caller refuses to build on them rather than drop them unseen).
 */
export function storedSecrets(opened: string): HostSecrets | null {
  return parsed(ZHostSecrets, opened);
}
