import {
  ROUTES,
  type TBulkAction,
  type TBulkContainerRequest,
  type TBulkItemResult,
  type TCreateContainerRequest,
  type TRecreateContainerRequest,
  type TUpdateContainerRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { pastTenseOf, toastBulkDone, toastDone } from './action-toasts';
import { callRoute } from './api';
import type { ContainerListFilters } from './container-list-filters';

export const containerKeys = {
  all: ['containers'] as const,
  lists: ['containers', 'list'] as const,
  list: (filters: ContainerListFilters) => ['containers', 'list', filters] as const,
  container: (hostId: string, id: string) => ['containers', 'one', hostId, id] as const,
  inspect: (hostId: string, id: string) => ['containers', 'one', hostId, id, 'inspect'] as const,
  top: (hostId: string, id: string) => ['containers', 'one', hostId, id, 'top'] as const,
  changes: (hostId: string, id: string) => ['containers', 'one', hostId, id, 'changes'] as const,
  fleetSummary: ['fleet', 'summary'] as const,
};

/** Rows per request: small enough to parse at once, large enough that scrolling rarely waits. */
export const CONTAINER_PAGE_SIZE = 200;
/** The bulk route takes at most this many containers per call. */
const BULK_CHUNK = 500;

export function useFleetSummary() {
  return useQuery({
    queryKey: containerKeys.fleetSummary,
    queryFn: () => callRoute(ROUTES.fleetSummary),
    // The socket pushes changes; this only covers a dropped connection.
    refetchInterval: 60_000,
  });
}

export function useContainerInspect(hostId: string, id: string) {
  return useQuery({
    queryKey: containerKeys.inspect(hostId, id),
    queryFn: () => callRoute(ROUTES.inspectContainer, { params: { hostId, id } }),
    refetchInterval: 15_000,
  });
}

export function useContainerTop(hostId: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: containerKeys.top(hostId, id),
    queryFn: () => callRoute(ROUTES.containerTop, { params: { hostId, id } }),
    enabled,
    refetchInterval: enabled ? 5_000 : false,
  });
}

export function useContainerChanges(hostId: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: containerKeys.changes(hostId, id),
    queryFn: () => callRoute(ROUTES.containerChanges, { params: { hostId, id } }),
    enabled,
  });
}

/** After any change: this container's data and every list are out of date. */
function useInvalidateContainer() {
  const queryClient = useQueryClient();
  return (hostId: string, id: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: containerKeys.container(hostId, id) }),
      queryClient.invalidateQueries({ queryKey: containerKeys.lists }),
    ]);
}

export type LifecycleRequest =
  | { action: 'start' | 'pause' | 'unpause' }
  | { action: 'stop' | 'restart'; t?: number | undefined }
  | { action: 'kill'; signal?: string | undefined };

/** The route of each lifecycle action and the query it takes. */
function callLifecycle(params: { hostId: string; id: string }, request: LifecycleRequest) {
  switch (request.action) {
    case 'start':
      return callRoute(ROUTES.startContainer, { params });
    case 'pause':
      return callRoute(ROUTES.pauseContainer, { params });
    case 'unpause':
      return callRoute(ROUTES.unpauseContainer, { params });
    case 'stop':
      return callRoute(ROUTES.stopContainer, { params, query: { t: request.t } });
    case 'restart':
      return callRoute(ROUTES.restartContainer, { params, query: { t: request.t } });
    case 'kill':
      return callRoute(ROUTES.killContainer, { params, query: { signal: request.signal } });
  }
}

/** A lifecycle action on one container; `name` is what its completion toast calls it. */
export function useContainerAction(hostId: string, id: string, name: string) {
  const invalidate = useInvalidateContainer();
  return useMutation({
    mutationFn: (request: LifecycleRequest) => callLifecycle({ hostId, id }, request),
    onSuccess: (_, request) => toastDone(`${name} ${pastTenseOf(request.action)}`),
    onSettled: () => invalidate(hostId, id),
  });
}

export function useRenameContainer(hostId: string, id: string) {
  const invalidate = useInvalidateContainer();
  return useMutation({
    mutationFn: (name: string) =>
      callRoute(ROUTES.renameContainer, { params: { hostId, id }, body: { name } }),
    onSuccess: () => invalidate(hostId, id),
  });
}

/** `docker update`: CPU, memory and restart policy; the engine's warnings come back. */
export function useUpdateContainer(hostId: string, id: string) {
  const invalidate = useInvalidateContainer();
  return useMutation({
    mutationFn: (body: TUpdateContainerRequest) =>
      callRoute(ROUTES.updateContainer, { params: { hostId, id }, body }),
    onSuccess: () => invalidate(hostId, id),
  });
}

const queryFlag = (value: boolean) => (value ? 'true' : 'false');

export function useRemoveContainer(hostId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (options: { force: boolean; volumes: boolean }) =>
      callRoute(ROUTES.removeContainer, {
        params: { hostId, id },
        query: { force: queryFlag(options.force), volumes: queryFlag(options.volumes) },
      }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: containerKeys.container(hostId, id) });
      return queryClient.invalidateQueries({ queryKey: containerKeys.lists });
    },
  });
}

export function useRecreateContainer(hostId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TRecreateContainerRequest) =>
      callRoute(ROUTES.recreateContainer, { params: { hostId, id }, body }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: containerKeys.container(hostId, id) });
      return queryClient.invalidateQueries({ queryKey: containerKeys.lists });
    },
  });
}

export function useCreateContainer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ hostId, body }: { hostId: string; body: TCreateContainerRequest }) =>
      callRoute(ROUTES.createContainer, { params: { hostId }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: containerKeys.lists }),
  });
}

export interface BulkRequest {
  action: TBulkAction;
  items: TBulkContainerRequest['items'];
  t?: number;
  signal?: string;
  force?: boolean;
  volumes?: boolean;
}

/** One action on many containers, in calls of at most 500; a result per container. */
export function useBulkContainerAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ items, ...options }: BulkRequest): Promise<TBulkItemResult[]> => {
      const results: TBulkItemResult[] = [];
      for (let start = 0; start < items.length; start += BULK_CHUNK) {
        const answer = await callRoute(ROUTES.bulkContainers, {
          body: { ...options, items: items.slice(start, start + BULK_CHUNK) },
        });
        results.push(...answer.results);
      }
      return results;
    },
    onSuccess: (results, request) => toastBulkDone(request.action, results),
    onSettled: () => queryClient.invalidateQueries({ queryKey: containerKeys.all }),
  });
}
