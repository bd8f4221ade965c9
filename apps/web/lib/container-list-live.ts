import type { TContainerSummary, TInventoryChange } from '@berth/shared';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useInventoryChanges } from './container-live';
import type { ContainerListFilters } from './container-list-filters';
import { containerKeys, type ContainerPages } from './container-queries';
import type { LiveStatus } from './container-socket';

/** Pages are fetched again at most this often while containers come and go. */
const REFETCH_MS = 1_500;

/**
 * Keeps the loaded pages of the fleet list current from inventory pushes. A container already on
 * screen is patched in place at once; anything that can change which rows a page holds (a new or
 * removed container, a rename, a state change under a state filter or sort) also refetches the
 * loaded pages shortly after, so order, paging and the total stay the server's.
 */
export function useLiveContainerList(filters: ContainerListFilters): LiveStatus {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const refetchSoon = () => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: containerKeys.lists });
    }, REFETCH_MS);
  };

  return useInventoryChanges((change: TInventoryChange) => {
    switch (change.kind) {
      case 'upsert': {
        const before = patchRows(queryClient, (row) =>
          row.hostId === change.hostId && row.id === change.container.id ? change.container : row,
        );
        const moves =
          before === null ||
          before.name !== change.container.name ||
          (before.state !== change.container.state &&
            (filters.state !== '' || filters.sort === 'state'));
        if (moves) refetchSoon();
        break;
      }
      case 'remove':
        removeRow(queryClient, change.hostId, change.id);
        refetchSoon();
        break;
      case 'host':
        patchRows(queryClient, (row) =>
          row.hostId === change.hostId
            ? { ...row, stale: change.stale, updatedAt: change.updatedAt ?? row.updatedAt }
            : row,
        );
        break;
    }
  });
}

/** Applies `patch` to every cached row; returns the first row it changed, as it was. */
function patchRows(
  queryClient: QueryClient,
  patch: (row: TContainerSummary) => TContainerSummary,
): TContainerSummary | null {
  let first: TContainerSummary | null = null;
  queryClient.setQueriesData<ContainerPages>({ queryKey: containerKeys.lists }, (data) => {
    if (!data) return data;
    let changed = false;
    const pages = data.pages.map((page) => {
      let pageChanged = false;
      const items = page.items.map((row) => {
        const next = patch(row);
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

function removeRow(queryClient: QueryClient, hostId: string, id: string): void {
  queryClient.setQueriesData<ContainerPages>({ queryKey: containerKeys.lists }, (data) => {
    if (!data) return data;
    let removed = 0;
    const pages = data.pages.map((page) => {
      const items = page.items.filter((row) => !(row.hostId === hostId && row.id === id));
      removed += page.items.length - items.length;
      return items.length === page.items.length ? page : { ...page, items };
    });
    if (removed === 0) return data;
    return { ...data, pages: pages.map((page) => ({ ...page, total: page.total - removed })) };
  });
}
