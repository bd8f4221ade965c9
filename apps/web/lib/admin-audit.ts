import { AUDIT_ACTIONS, ROUTES, ZAuditFilter, type TAuditFilter } from '@berth/shared';
import { routeUrl } from './api';

/** The filter keys, in the order they appear in URLs. */
const FILTER_KEYS = ['actor', 'hostId', 'action', 'outcome', 'from', 'to'] as const;

/** The filter as the page's URL keeps it. */
export function auditSearchParams(filter: TAuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value !== undefined) params.set(key, value);
  }
  return params;
}

/**
 * The filter a URL asks for. The URL can be edited by hand, so anything the API would refuse is
 * dropped rather than turned into an error page.
 */
export function auditFilterFromSearchParams(params: {
  get(name: string): string | null;
}): TAuditFilter {
  const raw: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) raw[key] = value;
  }
  const parsed = ZAuditFilter.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
  return ZAuditFilter.safeParse(raw).data ?? {};
}

/** A link to `exportAudit`; the server sends it as a file, so the browser downloads it itself. */
export function auditExportPath(filter: TAuditFilter, format: 'csv' | 'jsonl'): string {
  return routeUrl(ROUTES.exportAudit, { query: { ...filter, format } });
}

/** A `datetime-local` input's value (local time, no zone) as the API's ISO time, or undefined. */
export function localInputToIso(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

/** An ISO time as a `datetime-local` input shows it: local time to the minute. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(
    time.getHours(),
  )}:${pad(time.getMinutes())}`;
}

export interface AuditActionFamily {
  /** `user`, `team`, … */
  family: string;
  actions: readonly string[];
}

/** The audit actions grouped by their first word, for a select with option groups. */
export const AUDIT_ACTION_FAMILIES: readonly AuditActionFamily[] = (() => {
  const families = new Map<string, string[]>();
  for (const action of AUDIT_ACTIONS) {
    const family = action.slice(0, action.indexOf('.'));
    const list = families.get(family) ?? [];
    list.push(action);
    families.set(family, list);
  }
  return [...families].map(([family, actions]) => ({ family, actions }));
})();
