import type { QueryKey } from '@tanstack/react-query';
import { useLiveList, type ListPage } from './use-live-list';

/** Which engine events change an inventory list: its own type's, and containers coming and going (usage). */
export interface InventoryEvents {
  types: string[];
  actions: string[];
}

/** Container events that change what uses an image, network or volume. */
const CONTAINER_ACTIONS = ['create', 'destroy'];

/** The engine events each fleet list is refreshed on, for every host the user may see. */
export const INVENTORY_EVENTS = {
  image: {
    types: ['image', 'container'],
    actions: ['pull', 'tag', 'untag', 'delete', 'import', 'load', ...CONTAINER_ACTIONS],
  },
  network: {
    types: ['network', 'container'],
    actions: ['connect', 'disconnect', 'remove', 'update', ...CONTAINER_ACTIONS],
  },
  volume: {
    types: ['volume', 'container'],
    actions: ['mount', 'unmount', 'prune', ...CONTAINER_ACTIONS],
  },
} satisfies Record<string, InventoryEvents>;

export interface LiveInventoryListOptions<Row> {
  /** This list's key; it must start with `listsKey`. */
  queryKey: QueryKey;
  /** Every list of these rows (other filters): an event refreshes them all. */
  listsKey: QueryKey;
  events: InventoryEvents;
  fetchPage: (cursor: string | null) => Promise<ListPage<Row>>;
}

/**
 * A fleet list from the inventory (`/api/images`, `/api/networks`, `/api/volumes`), paged over REST
 * as the table scrolls and kept current by the engine's events: the inventory lists a host's
 * images, networks and volumes again whole on such an event, so any one refetches the loaded pages
 * shortly after (and once more when that was too soon after the event for the inventory to have
 * listed them again) and the server's answer is the one shown. Nothing polls.
 */
export function useLiveInventoryList<Row>({
  queryKey,
  listsKey,
  events,
  fetchPage,
}: LiveInventoryListOptions<Row>) {
  return useLiveList<Row, 'events.subscribe'>({
    queryKey,
    listsKey,
    fetchPage,
    event: 'events.subscribe',
    request: events,
    onPush: (pushed, rows) => {
      if (pushed.name === 'engine.event') rows.refetchSoon();
    },
  });
}
