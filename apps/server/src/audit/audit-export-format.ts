import type { AuditEvent } from '../generated/sqlite/client.js';
import { toAuditEventDto } from './audit-event-dto.js';

/** One export format: its file type and how a record becomes a line. */
export interface AuditExportFormat {
  extension: string;
  contentType: string;
  header: string;
  line: (row: AuditEvent) => string;
}

const CSV_COLUMNS = [
  'id',
  'time',
  'actorType',
  'actorId',
  'actorName',
  'ip',
  'userAgent',
  'hostId',
  'action',
  'target',
  'outcome',
  'status',
  'requestId',
  'details',
  'prevHash',
  'hash',
] as const;

/**
 * Records as exported: the API's shape plus the chain fields, so an export can be checked on its
 * own. Oldest first, as a log is read.
 */
export const AUDIT_EXPORT_FORMATS: Record<'csv' | 'jsonl', AuditExportFormat> = {
  csv: {
    extension: 'csv',
    contentType: 'text/csv; charset=utf-8',
    header: `${CSV_COLUMNS.join(',')}\r\n`,
    line: (row) => `${CSV_COLUMNS.map((column) => csvCell(cellOf(row, column))).join(',')}\r\n`,
  },
  jsonl: {
    extension: 'jsonl',
    contentType: 'application/x-ndjson; charset=utf-8',
    header: '',
    line: (row) =>
      `${JSON.stringify({ ...toAuditEventDto(row), prevHash: row.prevHash, hash: row.hash })}\n`,
  },
};

function cellOf(row: AuditEvent, column: (typeof CSV_COLUMNS)[number]): string {
  const value = row[column];
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * RFC 4180 quoting, plus a leading apostrophe for text a spreadsheet would run as a formula:
 * user agents and names are chosen by whoever sends the request.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
