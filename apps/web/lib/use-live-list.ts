import {
  keepPreviousData,
  useInfiniteQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useLiveSubscription } from './container-live';
import type { LiveStatus, RequestOf, SubscribeEvent, SubscriptionEvent } from './dashboard-socket';

/** One page of a cursor-paged list, as every list route answers it. */
export interface ListPage<Row> {
  items: Row[];
  /** Null on the last page. */
  nextCursor: string | null;
  /** Rows over all pages. */
  total: number;
}
type ListPages<Row> = InfiniteData<ListPage<Row>, string | null>;

/** What a push may do to the loaded pages of every list under `listsKey`. */
export interface LiveRows<Row> {
  /** Applies `update` to every loaded row; returns the first row it changed, as it was. */
  patch(update: (row: Row) => Row): Row | null;
  /** Drops the rows that match (and lowers the totals); returns how many went. */
  remove(matches: (row: Row) => boolean): number;
  /** Fetches the loaded pages again shortly, for changes that move rows between pages. */
  refetchSoon(): void;
}

export interface LiveListOptions<Row, E extends SubscribeEvent> {
  /** This list's key; it must start with `listsKey`. */
  queryKey: QueryKey;
  /** Every list of these rows (other filters, other sorts): pushes patch them all. */
  listsKey: QueryKey;
  fetchPage: (cursor: string | null) => Promise<ListPage<Row>>;
  event: E;
  request: RequestOf<E>;
  onPush: (pushed: SubscriptionEvent, rows: LiveRows<Row>) => void;
}

/** Loaded pages are fetched again at most this often while rows come and go. */
const REFETCH_MS = 1_500;

/**
 * A server-ordered, cursor-paged list kept current by socket pushes: the first page comes over
 * REST, more as the table scrolls, and the feed's pushes patch the loaded rows in place. Views of
 * one page that ask for the same feed share its one subscription (see `subscribe`).
 */
export function useLiveList<Row, E extends SubscribeEvent>(options: LiveListOptions<Row, E>) {
  const { queryKey, listsKey, fetchPage, event, request, onPush } = options;
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // A new filter keeps the old rows on screen until its first page is in.
    placeholderData: keepPreviousData,
    // Pushes keep the rows current; a refetch only covers what they cannot say.
    staleTime: 30_000,
  });

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const refetchSoon = useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: listsKey });
    }, REFETCH_MS);
  }, [queryClient, listsKey]);

  const live: LiveStatus = useLiveSubscription(event, request, {
    onEvent: (pushed) =>
      onPush(pushed, {
        patch: (update) => patchRows(queryClient, listsKey, update),
        remove: (matches) => removeRows(queryClient, listsKey, matches),
        refetchSoon,
      }),
  });

  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const total = list.data?.pages.at(-1)?.total ?? 0;
  return { list, rows, total, live };
}

function patchRows<Row>(
  queryClient: QueryClient,
  listsKey: QueryKey,
  update: (row: Row) => Row,
): Row | null {
  let first: Row | null = null;
  queryClient.setQueriesData<ListPages<Row>>({ queryKey: listsKey }, (data) => {
    if (!data) return data;
    let changed = false;
    const pages = data.pages.map((page) => {
      let pageChanged = false;
      const items = page.items.map((row) => {
        const next = update(row);
        if (next !== row) {
          first ??= row;
          pageChanged = true;
        }
        return next;
      });
      changed ||= pageChanged;
      return pageChanged ? { ...page, items } : page;
    });
    return changed ? { ...data, pages } : data;
  });
  return first;
}

function removeRows<Row>(
  queryClient: QueryClient,
  listsKey: QueryKey,
  matches: (row: Row) => boolean,
): number {
  let removedAll = 0;
  queryClient.setQueriesData<ListPages<Row>>({ queryKey: listsKey }, (data) => {
    if (!data) return data;
    let removed = 0;
    const pages = data.pages.map((page) => {
      const items = page.items.filter((row) => !matches(row));
      removed += page.items.length - items.length;
      return items.length === page.items.length ? page : { ...page, items };
    });
    if (removed === 0) return data;
    removedAll += removed;
    return { ...data, pages: pages.map((page) => ({ ...page, total: page.total - removed })) };
  });
  return removedAll;
}
