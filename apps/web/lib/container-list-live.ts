import { ROUTES, type TContainerSummary } from '@berth/shared';
import { callRoute } from './api';
import { listQuery, type ContainerListFilters } from './container-list-filters';
import { CONTAINER_PAGE_SIZE, containerKeys } from './container-queries';
import { useLiveList } from './use-live-list';

/** Every host the user may list. */
const ALL_HOSTS = {};

/**
 * The fleet list: pages over REST as the table scrolls, kept current from inventory pushes. A
 * container already on screen is patched in place at once; anything that can change which rows a
 * page holds (a new or removed container, a rename, a state change under a state filter or sort)
 * also refetches the loaded pages shortly after, so order, paging and the total stay the server's.
 */
export function useLiveContainerList(filters: ContainerListFilters) {
  return useLiveList<TContainerSummary, 'containers.subscribe'>({
    queryKey: containerKeys.list(filters),
    listsKey: containerKeys.lists,
    fetchPage: (cursor) =>
      callRoute(ROUTES.listContainers, {
        query: listQuery(filters, cursor, CONTAINER_PAGE_SIZE),
      }),
    event: 'containers.subscribe',
    request: ALL_HOSTS,
    onPush: (pushed, rows) => {
      if (pushed.name !== 'containers.change') return;
      const change = pushed.payload.change;
      switch (change.kind) {
        case 'upsert': {
          const before = rows.patch((row) =>
            row.hostId === change.hostId && row.id === change.container.id ? change.container : row,
          );
          const moves =
            before === null ||
            before.name !== change.container.name ||
            (before.state !== change.container.state &&
              (filters.state !== '' || filters.sort === 'state'));
          if (moves) rows.refetchSoon();
          break;
        }
        case 'remove':
          rows.remove((row) => row.hostId === change.hostId && row.id === change.id);
          rows.refetchSoon();
          break;
        case 'host':
          rows.patch((row) =>
            row.hostId === change.hostId
              ? { ...row, stale: change.stale, updatedAt: change.updatedAt ?? row.updatedAt }
              : row,
          );
          break;
      }
    },
  });
}
