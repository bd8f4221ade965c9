import { ROUTES, type TContainerUpdate, type TUpdateList } from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { callRoute } from './api';
import { containerHref } from './container-format';
import { containerKeys } from './container-queries';

export const updateKeys = {
  all: ['updates'] as const,
};

/** Checks run on the server's schedule; the last results are asked again every few minutes. */
const UPDATES_STALE_MS = 60_000;
const UPDATES_REFETCH_MS = 5 * 60_000;

/** The last update check of each running container, by host and container id. */
export interface UpdateIndex {
  byContainer: ReadonlyMap<string, TContainerUpdate>;
  /** Checks of containers running an image, by host and image id. */
  byImage: ReadonlyMap<string, readonly TContainerUpdate[]>;
}

export const containerKey = (hostId: string, containerId: string) => `${hostId}/${containerId}`;
export const imageKey = (hostId: string, imageId: string) => `${hostId}/${imageId}`;

function indexOf(list: TUpdateList): UpdateIndex {
  const byContainer = new Map<string, TContainerUpdate>();
  const byImage = new Map<string, TContainerUpdate[]>();
  for (const item of list.items) {
    byContainer.set(containerKey(item.hostId, item.containerId), item);
    const key = imageKey(item.hostId, item.imageId);
    byImage.set(key, [...(byImage.get(key) ?? []), item]);
  }
  return { byContainer, byImage };
}

/** The last results across the fleet (one query shared by every badge on the page). */
export function useUpdateIndex() {
  return useQuery({
    queryKey: updateKeys.all,
    queryFn: () => callRoute(ROUTES.listUpdates, { query: {} }),
    select: indexOf,
    staleTime: UPDATES_STALE_MS,
    refetchInterval: UPDATES_REFETCH_MS,
  });
}

/** Checks a host's running containers (or those named) against their registries now. */
export function useCheckUpdates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ hostId, containers }: { hostId: string; containers?: string[] }) =>
      callRoute(ROUTES.checkUpdates, { params: { hostId }, body: { containers } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: updateKeys.all }),
  });
}

/**
 * Pulls a container's tag (with the stored registry login) and recreates the container with the
 * same configuration, then checks the new one so its badge is current and opens its page.
 */
export function usePullAndRecreate(hostId: string, id: string) {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: async () => {
      const recreated = await callRoute(ROUTES.recreateContainer, {
        params: { hostId, id },
        body: { pull: true },
      });
      const checked = await callRoute(ROUTES.checkUpdates, {
        params: { hostId },
        body: { containers: [recreated.id] },
      }).catch(() => null);
      return { recreated, checked };
    },
    onSuccess: ({ recreated, checked }) => {
      queryClient.removeQueries({ queryKey: containerKeys.container(hostId, id) });
      // The check's answer goes into the list as it is: a list asked again this moment may not
      // have the new container yet (the server lists what its inventory has seen).
      if (checked) {
        queryClient.setQueryData<TUpdateList>(updateKeys.all, (list) =>
          list ? withResults(list, checked.items, containerKey(hostId, id)) : checked,
        );
      } else void queryClient.invalidateQueries({ queryKey: updateKeys.all });
      // Here, not in mutate's callback: once the old container is gone its page stops showing
      // the component that asked, and a callback given to mutate is dropped with it.
      router.replace(containerHref(hostId, recreated.id));
      return queryClient.invalidateQueries({ queryKey: containerKeys.lists });
    },
  });
}

/** `list` with `results` in place of earlier results for the same containers, less `gone`'s. */
function withResults(
  list: TUpdateList,
  results: readonly TContainerUpdate[],
  gone: string,
): TUpdateList {
  const fresh = new Set(results.map((item) => containerKey(item.hostId, item.containerId)));
  fresh.add(gone);
  return {
    ...list,
    items: [
      ...list.items.filter((item) => !fresh.has(containerKey(item.hostId, item.containerId))),
      ...results,
    ],
  };
}
