import { AUDIT_ACTIONS, type AuditOutcome } from '@berth/shared';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';
import type { AuditEntry } from './audit-log.js';

/** An audit entry before its engine call: everything but the outcome, which is not known yet. */
export type IntendedEntry = Omit<AuditEntry, 'outcome'>;

/**
 * How the engine can tell afterwards whether the change took place: the object it names (a
 * container by name or id, a network by name or id, a volume by name) exists once a create or
 * rename succeeded and is gone once a remove succeeded; a container is on a network (`attached`)
 * once a connect succeeded and off it once a disconnect did. Read only for a change whose answer
 * was lost (the server died waiting for it).
 */
export type EngineCheck =
  | { container: string; exists: boolean }
  | { network: string; exists: boolean }
  | { volume: string; exists: boolean }
  | { network: string; attached: string; exists: boolean };

/** How a change ended; merged into the entry written before it (`details` key by key). */
export interface Settlement {
  outcome: AuditOutcome;
  status?: number | null;
  /** Set when the call names its target only in its answer (a create without a name). */
  target?: string | null;
  details?: Record<string, unknown>;
}

/**
 * A change written to the journal and committed, its engine call not answered yet. `settle`
 * replaces it with the audit record in one transaction; only its first call counts. If settling
 * fails the change stays in the journal and is settled later as `unknown`.
 */
export interface PendingChange {
  readonly id: string;
  settle(settlement: Settlement): Promise<void>;
}

const ZActor = z.object({
  type: z.enum(['user', 'token', 'webhook', 'system', 'anonymous']),
  id: z.string().nullable(),
  name: z.string(),
});

/** The journal row's `entry` column. */
const ZStoredIntent = z.object({
  entry: z.object({
    actor: ZActor,
    action: z.enum(AUDIT_ACTIONS),
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    hostId: z.string().nullish(),
    target: z.string().nullish(),
    status: z.number().nullish(),
    requestId: z.string().nullish(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
  check: z
    .union([
      // The endpoint check first: it would also pass as a network check with `attached` dropped.
      z.object({ network: z.string(), attached: z.string(), exists: z.boolean() }),
      z.object({ network: z.string(), exists: z.boolean() }),
      z.object({ volume: z.string(), exists: z.boolean() }),
      z.object({ container: z.string(), exists: z.boolean() }),
    ])
    .optional(),
});
export type StoredIntent = z.infer<typeof ZStoredIntent>;

export function encodeIntent(entry: IntendedEntry, check: EngineCheck | undefined): string {
  return JSON.stringify(check ? { entry, check } : { entry });
}

/** The stored intent, or null when the row cannot be read (it is still settled, as unreadable). */
export function decodeIntent(text: string): StoredIntent | null {
  try {
    const parsed = ZStoredIntent.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The audit record of a settled change: the entry as intended, with what was learnt merged in. */
export function settledEntry(entry: IntendedEntry, settlement: Settlement): AuditEntry {
  return {
    ...entry,
    outcome: settlement.outcome,
    ...(settlement.status !== undefined ? { status: settlement.status } : {}),
    ...(settlement.target !== undefined ? { target: settlement.target } : {}),
    details: { ...entry.details, ...settlement.details },
  };
}

/** Socket errors that can come after the request went out: the engine may have acted on it. */
const ANSWER_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/**
 * The outcome of an engine call that threw: `unknown` when the request may have reached the engine
 * and only its answer was lost (connection reset or hung up mid-call), else `failure` (the engine
 * answered with an error, or was never reached: refused, no socket, no route, bad credentials).
 */
export function failedOutcome(error: unknown): AuditOutcome {
  const cause = error instanceof AppError ? error.internal : error;
  if (error instanceof AppError && error.code !== 'HOST_UNREACHABLE') return 'failure';
  const e = (cause ?? {}) as { code?: unknown; message?: unknown; statusCode?: unknown };
  if (typeof e.statusCode === 'number') return 'failure';
  if (typeof e.code === 'string' && ANSWER_LOST.has(e.code)) return 'unknown';
  return typeof e.message === 'string' && /socket hang up/i.test(e.message) ? 'unknown' : 'failure';
}
