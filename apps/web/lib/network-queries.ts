import {
  ROUTES,
  type TConnectNetworkRequest,
  type TCreateNetworkRequest,
  type TDisconnectNetworkRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute, type RouteQuery } from './api';
import { useLiveInventoryList } from './use-live-inventory-list';

type ListQuery = RouteQuery<typeof ROUTES.listNetworks>;

/** Networks of the fleet and of one host, under one prefix so a change refreshes both. */
export const networkKeys = {
  all: ['networks'] as const,
  lists: ['networks', 'list'] as const,
  list: (query: ListQuery) => ['networks', 'list', query] as const,
  detail: (hostId: string, id: string) => ['networks', 'detail', hostId, id] as const,
};

/** The fleet's networks, refreshed as the inventory takes in network and container changes. */
export function useNetworkList(query: ListQuery) {
  return useLiveInventoryList({
    queryKey: networkKeys.list(query),
    listsKey: networkKeys.lists,
    fetchPage: (cursor) =>
      callRoute(ROUTES.listNetworks, { query: { ...query, ...(cursor ? { cursor } : {}) } }),
  });
}

export function useNetwork(hostId: string, id: string) {
  return useQuery({
    queryKey: networkKeys.detail(hostId, id),
    queryFn: () => callRoute(ROUTES.inspectNetwork, { params: { hostId, id } }),
  });
}

/**
 * A change, then the lists (and, with `refresh` left as it is, the detail views) fetched again. A
 * remove refreshes only the lists: its detail view is left, not asked for again.
 */
function useNetworkMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
  refresh: readonly string[] = networkKeys.all,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: refresh }),
  });
}

export function useCreateNetwork(hostId: string) {
  return useNetworkMutation((body: TCreateNetworkRequest) =>
    callRoute(ROUTES.createNetwork, { params: { hostId }, body }),
  );
}

export function useRemoveNetwork(hostId: string) {
  return useNetworkMutation(
    (id: string) => callRoute(ROUTES.removeNetwork, { params: { hostId, id } }),
    networkKeys.lists,
  );
}

export function usePruneNetworks() {
  return useNetworkMutation((hostId: string) =>
    callRoute(ROUTES.pruneNetworks, { params: { hostId } }),
  );
}

export function useConnectNetwork(hostId: string, id: string) {
  return useNetworkMutation((body: TConnectNetworkRequest) =>
    callRoute(ROUTES.connectNetwork, { params: { hostId, id }, body }),
  );
}

export function useDisconnectNetwork(hostId: string, id: string) {
  return useNetworkMutation((body: TDisconnectNetworkRequest) =>
    callRoute(ROUTES.disconnectNetwork, { params: { hostId, id }, body }),
  );
}
