import { ROUTES, type TCreateVolumeRequest } from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute, type RouteQuery } from './api';
import { useLiveInventoryList } from './use-live-inventory-list';

type ListQuery = RouteQuery<typeof ROUTES.listVolumes>;

/** Volumes of the fleet and of one host, under one prefix so a change refreshes both. */
export const volumeKeys = {
  all: ['volumes'] as const,
  lists: ['volumes', 'list'] as const,
  list: (query: ListQuery) => ['volumes', 'list', query] as const,
  detail: (hostId: string, name: string) => ['volumes', 'detail', hostId, name] as const,
  files: (hostId: string, name: string, path: string) =>
    ['volumes', 'files', hostId, name, path] as const,
};

/** The fleet's volumes, refreshed as the inventory takes in volume and container changes. */
export function useVolumeList(query: ListQuery) {
  return useLiveInventoryList({
    queryKey: volumeKeys.list(query),
    listsKey: volumeKeys.lists,
    fetchPage: (cursor) =>
      callRoute(ROUTES.listVolumes, { query: { ...query, ...(cursor ? { cursor } : {}) } }),
  });
}

export function useVolume(hostId: string, name: string) {
  return useQuery({
    queryKey: volumeKeys.detail(hostId, name),
    queryFn: () => callRoute(ROUTES.inspectVolume, { params: { hostId, name } }),
  });
}

export function useVolumeFiles(hostId: string, name: string, path: string, enabled: boolean) {
  return useQuery({
    queryKey: volumeKeys.files(hostId, name, path),
    queryFn: () => callRoute(ROUTES.listVolumeFiles, { params: { hostId, name }, query: { path } }),
    enabled,
  });
}

/**
 * A change, then the lists (and, with `refresh` left as it is, the detail views) fetched again. A
 * remove refreshes only the lists: its detail view is left, not asked for again.
 */
function useVolumeMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
  refresh: readonly string[] = volumeKeys.all,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: refresh }),
  });
}

export function useCreateVolume(hostId: string) {
  return useVolumeMutation((body: TCreateVolumeRequest) =>
    callRoute(ROUTES.createVolume, { params: { hostId }, body }),
  );
}

export function useRemoveVolume(hostId: string) {
  return useVolumeMutation(
    (name: string) => callRoute(ROUTES.removeVolume, { params: { hostId, name } }),
    volumeKeys.lists,
  );
}

export function usePruneVolumes() {
  return useVolumeMutation((hostId: string) =>
    callRoute(ROUTES.pruneVolumes, { params: { hostId } }),
  );
}
