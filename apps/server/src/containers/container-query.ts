import type {
  TContainerListQuery,
  TContainerListResponse,
  TContainerSort,
  TContainerState,
} from '@berth/shared';
import type { Reach } from '../access/host-access.js';
import type { HostInventory } from '../inventory/host-inventory.js';
import type { InventoryEntry } from '../inventory/inventory-entry.js';
import { compareKeys, decodeCursor, encodeCursor, type SortKey } from '../inventory/list-cursor.js';
import { withinReach } from './container-access.js';

export interface SortedRow {
  host: HostInventory;
  entry: InventoryEntry;
  key: SortKey;
}

export interface ListFilter {
  /** Hosts the caller may list, with their reach; others are left out. */
  reach: ReadonlyMap<string, { reach: Reach; teamIds: readonly string[] }>;
  userId: string;
  states?: readonly TContainerState[] | undefined;
  q?: string | undefined;
}

/** Every container of the given hosts in one order: by the sort field, then name, host and id. */
export function sortRows(
  hosts: readonly HostInventory[],
  sort: TContainerSort,
  order: 'asc' | 'desc',
): SortedRow[] {
  const rows: SortedRow[] = [];
  for (const host of hosts) {
    const hostName = host.name.toLowerCase();
    for (const entry of host.entries.values()) {
      const s = entry.summary;
      const name = s.name.toLowerCase();
      rows.push({
        host,
        entry,
        key: [primaryOf(sort, entry, name, hostName), name, s.hostId, s.id],
      });
    }
  }
  const sign = order === 'asc' ? 1 : -1;
  rows.sort((a, b) => sign * compareKeys(a.key, b.key));
  return rows;
}

/**
 * One page of the sorted rows that pass the filter, after the cursor's row. The cursor carries the
 * last row's sort key, so a page boundary holds even when containers come and go in between.
 */
export function pageRows(
  rows: readonly SortedRow[],
  filter: ListFilter,
  query: Pick<TContainerListQuery, 'sort' | 'order' | 'cursor' | 'limit'>,
): TContainerListResponse {
  const after = query.cursor ? decodeCursor(query.cursor, query.sort, query.order) : null;
  const sign = query.order === 'asc' ? 1 : -1;
  const states = filter.states && filter.states.length > 0 ? new Set(filter.states) : null;
  const matches = searchMatcher(filter.q);
  const items: TContainerListResponse['items'] = [];
  let total = 0;
  let last: SortKey | null = null;
  let more = false;
  for (const row of rows) {
    const reach = filter.reach.get(row.host.hostId);
    if (!reach) continue;
    const s = row.entry.summary;
    if (states && !states.has(s.state)) continue;
    if (matches && !matches(row.entry)) continue;
    if (!withinReach(s.labels, reach.reach, filter.userId, reach.teamIds)) continue;
    total += 1;
    if (after && sign * compareKeys(row.key, after) <= 0) continue;
    if (items.length < query.limit) {
      items.push(row.host.present(row.entry));
      last = row.key;
    } else more = true;
  }
  return {
    items,
    nextCursor: more && last ? encodeCursor(query.sort, query.order, last) : null,
    total,
  };
}

function primaryOf(
  sort: TContainerSort,
  entry: InventoryEntry,
  name: string,
  hostName: string,
): string | number {
  switch (sort) {
    case 'name':
      return name;
    case 'image':
      return entry.summary.image.toLowerCase();
    case 'state':
      return entry.summary.state;
    case 'created':
      return entry.createdMs;
    case 'host':
      return hostName;
  }
}

/**
 * `q` as a test of one container, or null for no search. A word `key=value` matches a label with
 * that key and value (`key=` any value), case-insensitive; with such words every word must match,
 * the others against name, image and labels. Without one, the text is matched whole, as typed.
 */
export function searchMatcher(q: string | undefined): ((entry: InventoryEntry) => boolean) | null {
  const text = q?.trim().toLowerCase();
  if (!text) return null;
  const words = text.split(/\s+/);
  if (!words.some((word) => word.indexOf('=') > 0)) return (entry) => entry.search.includes(text);
  const tests = words.map((word): ((entry: InventoryEntry) => boolean) => {
    const eq = word.indexOf('=');
    if (eq <= 0) return (entry) => entry.search.includes(word);
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    return (entry) =>
      Object.entries(entry.summary.labels).some(
        ([k, v]) => k.toLowerCase() === key && (value === '' || v.toLowerCase() === value),
      );
  });
  return (entry) => tests.every((test) => test(entry));
}
