import { z } from 'zod';
import { AUDIT_OUTCOMES, isAuditAction } from '../audit.js';

/** An action name, or a family of them such as `user.*`. */
const ZActionFilter = z
  .string()
  .trim()
  .refine(
    (action) => isAuditAction(action) || /^[a-z]+\.\*$/.test(action),
    'an audit action such as user.create, or a family such as user.*',
  );

const ZInstant = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 time such as 2026-01-31T12:00:00Z',
});

/** Filters shared by the page and the export; every one is optional and they combine with AND. */
export const ZAuditFilter = z.object({
  /** A user id or user name; token calls of that user count as theirs. */
  actor: z.string().trim().min(1).max(128).optional(),
  hostId: z.string().trim().min(1).max(64).optional(),
  action: ZActionFilter.optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: ZInstant.optional(),
  to: ZInstant.optional(),
});
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

export const ZAuditQuery = ZAuditFilter.extend({
  /** `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'the nextCursor of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditExportQuery = ZAuditFilter.extend({
  format: z.enum(['csv', 'jsonl']).default('csv'),
});
export type TAuditExportQuery = z.infer<typeof ZAuditExportQuery>;

export const ZAuditEvent = z.object({
  id: z.number(),
  time: z.string(),
  actor: z.object({
    type: z.enum(['user', 'token', 'webhook', 'system', 'anonymous']),
    id: z.string().nullable(),
    name: z.string(),
  }),
  ip: z.string(),
  userAgent: z.string(),
  hostId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  status: z.number().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

/** Newest first; `nextCursor` is null on the last page. */
export const ZAuditPage = z.object({
  items: z.array(ZAuditEvent),
  nextCursor: z.string().nullable(),
});
export type TAuditPage = z.infer<typeof ZAuditPage>;

/**
 * The hash chain from the oldest kept record on: `checked` records linked and hashed correctly,
 * `brokenAt` is the id of the first one that is not.
 */
export const ZAuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number(),
  brokenAt: z.number().optional(),
  /** The oldest record still kept (older ones may have been pruned by retention). */
  firstId: z.number().optional(),
});
export type TAuditVerifyResult = z.infer<typeof ZAuditVerifyResult>;
