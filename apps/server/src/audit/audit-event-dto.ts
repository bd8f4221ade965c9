import type { AuditOutcome, TAuditEvent } from '@berth/shared';
import type { AuditEvent } from '../generated/sqlite/client.js';
import type { AuditActor } from './audit-log.js';

export function toAuditEventDto(row: AuditEvent): TAuditEvent {
  return {
    id: row.id,
    time: row.time.toISOString(),
    actor: { type: row.actorType as AuditActor['type'], id: row.actorId, name: row.actorName },
    ip: row.ip,
    userAgent: row.userAgent,
    hostId: row.hostId,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditOutcome,
    status: row.status,
    requestId: row.requestId,
    details: parseDetails(row.details),
  };
}

function parseDetails(details: string | null): Record<string, unknown> | null {
  if (details === null) return null;
  try {
    const value: unknown = JSON.parse(details);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { raw: details };
  }
}
