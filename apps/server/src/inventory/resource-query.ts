import type { ListReach } from '../containers/container-access.js';
import type { HostInventory } from './host-inventory.js';
import { compareKeys, decodeCursor, encodeCursor, type SortKey } from './list-cursor.js';

/** One image, network or volume in a fleet-wide order, with the host that holds it. */
export interface ResourceRow<E> {
  host: HostInventory;
  entry: E;
  key: SortKey;
}

/** Every entry of the given hosts, ordered by `keyOf` (sort field, then name, host and id). */
export function sortResources<E>(
  hosts: readonly HostInventory[],
  entriesOf: (host: HostInventory) => Iterable<E>,
  keyOf: (host: HostInventory, entry: E) => SortKey,
  order: 'asc' | 'desc',
): ResourceRow<E>[] {
  const rows: ResourceRow<E>[] = [];
  for (const host of hosts) {
    for (const entry of entriesOf(host)) rows.push({ host, entry, key: keyOf(host, entry) });
  }
  const sign = order === 'asc' ? 1 : -1;
  rows.sort((a, b) => sign * compareKeys(a.key, b.key));
  return rows;
}

export interface ResourcePageRequest {
  sort: string;
  order: 'asc' | 'desc';
  cursor?: string | undefined;
  limit: number;
}

/**
 * One page of the sorted rows on hosts within `reach` that `keep` lets through, after the
 * cursor's row, with how many match over all pages.
 */
export function pageResources<E, T>(
  rows: readonly ResourceRow<E>[],
  reach: ReadonlyMap<string, ListReach>,
  keep: (row: ResourceRow<E>, reach: ListReach) => boolean,
  present: (row: ResourceRow<E>) => T,
  request: ResourcePageRequest,
): { items: T[]; nextCursor: string | null; total: number } {
  const after = request.cursor ? decodeCursor(request.cursor, request.sort, request.order) : null;
  const sign = request.order === 'asc' ? 1 : -1;
  const items: T[] = [];
  let total = 0;
  let last: SortKey | null = null;
  let more = false;
  for (const row of rows) {
    const hostReach = reach.get(row.host.hostId);
    if (!hostReach || !keep(row, hostReach)) continue;
    total += 1;
    if (after && sign * compareKeys(row.key, after) <= 0) continue;
    if (items.length < request.limit) {
      items.push(present(row));
      last = row.key;
    } else more = true;
  }
  return {
    items,
    nextCursor: more && last ? encodeCursor(request.sort, request.order, last) : null,
    total,
  };
}
