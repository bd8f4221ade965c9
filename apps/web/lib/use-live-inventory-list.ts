import type { QueryKey } from '@tanstack/react-query';
import { useLiveList, type ListPage } from './use-live-list';

export interface LiveInventoryListOptions<Row> {
  /** This list's key; it must start with `listsKey`. */
  queryKey: QueryKey;
  /** Every list of these rows (other filters): a change refreshes them all. */
  listsKey: QueryKey;
  fetchPage: (cursor: string | null) => Promise<ListPage<Row>>;
}

/**
 * A fleet list from the inventory (`/api/images`, `/api/networks`, `/api/volumes`), paged over REST
 * as the table scrolls and fetched again shortly after the inventory changes. The fleet summary is
 * pushed once the inventory has taken a change in: the host's images, networks and volumes listed
 * again a moment after their engine events (`resourcesListedAt`), containers coming and going
 * (what uses them). Refetching on the engine's events instead could ask before the inventory had
 * listed the host again, and show the list as it was until the next event. Nothing polls.
 */
export function useLiveInventoryList<Row>({
  queryKey,
  listsKey,
  fetchPage,
}: LiveInventoryListOptions<Row>) {
  return useLiveList<Row, 'summary.subscribe'>({
    queryKey,
    listsKey,
    fetchPage,
    event: 'summary.subscribe',
    request: {},
    onPush: (pushed, rows) => {
      if (pushed.name === 'fleet.summary') rows.refetchSoon();
    },
  });
}
