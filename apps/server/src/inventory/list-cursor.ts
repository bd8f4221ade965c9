import { AppError } from '../common/app-error.js';

/** Where a row sits in a sorted list: the sort field, then name, host and id, so no two rows tie. */
export type SortKey = [primary: string | number, name: string, hostId: string, id: string];

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < 4; i += 1) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/**
 * An opaque cursor: the last row's sort key, with the sort it was made for, so a page boundary
 * holds even when rows come and go in between.
 */
export function encodeCursor(sort: string, order: string, key: SortKey): string {
  return Buffer.from(JSON.stringify({ s: sort, o: order, k: key })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string, order: string): SortKey {
  let parsed: { s?: unknown; o?: unknown; k?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw AppError.validation([{ path: 'cursor', message: 'not a cursor from this list' }]);
  }
  const key = parsed.k;
  const valid =
    Array.isArray(key) &&
    key.length === 4 &&
    (typeof key[0] === 'string' || typeof key[0] === 'number') &&
    key.slice(1).every((part) => typeof part === 'string');
  if (!valid)
    throw AppError.validation([{ path: 'cursor', message: 'not a cursor from this list' }]);
  if (parsed.s !== sort || parsed.o !== order) {
    throw AppError.validation([
      { path: 'cursor', message: 'made for another sort order: start again without a cursor' },
    ]);
  }
  return key as SortKey;
}
