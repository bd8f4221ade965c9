import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import type { ListPage } from './use-live-list';

/** The inventory changes under the list; loaded pages are fetched again this often. */
const REFRESH_MS = 5_000;

/**
 * A cursor-paged list from the inventory (`/api/networks`, `/api/volumes`), more pages as the
 * table scrolls, refreshed while it is on screen; the rows as one array.
 */
export function useListPages<Row>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | null) => Promise<ListPage<Row>>,
) {
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages.at(-1)?.total ?? 0;
  return { list, rows, total };
}
