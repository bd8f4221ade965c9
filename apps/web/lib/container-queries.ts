import {
  ZBulkContainerResponse,
  ZContainerChange,
  ZContainerInspect,
  ZContainerTop,
  ZCreateContainerResponse,
  ZFleetSummary,
  ZRecreateContainerResponse,
  ZUpdateContainerResponse,
  type TBulkAction,
  type TBulkContainerRequest,
  type TBulkItemResult,
  type TCreateContainerRequest,
  type TRecreateContainerRequest,
  type TUpdateContainerRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api';
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
const ZContainerChanges = ZContainerChange.array();

export const containerPath = (hostId: string, id: string) =>
  `/api/hosts/${encodeURIComponent(hostId)}/containers/${encodeURIComponent(id)}`;

export function useFleetSummary() {
  return useQuery({
    queryKey: containerKeys.fleetSummary,
    queryFn: () => api.get('/api/fleet/summary', ZFleetSummary),
    // The socket pushes changes; this only covers a dropped connection.
    refetchInterval: 60_000,
  });
}

export function useContainerInspect(hostId: string, id: string) {
  return useQuery({
    queryKey: containerKeys.inspect(hostId, id),
    queryFn: () => api.get(`${containerPath(hostId, id)}/json`, ZContainerInspect),
    refetchInterval: 15_000,
  });
}

export function useContainerTop(hostId: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: containerKeys.top(hostId, id),
    queryFn: () => api.get(`${containerPath(hostId, id)}/top`, ZContainerTop),
    enabled,
    refetchInterval: enabled ? 5_000 : false,
  });
}

export function useContainerChanges(hostId: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: containerKeys.changes(hostId, id),
    queryFn: () => api.get(`${containerPath(hostId, id)}/changes`, ZContainerChanges),
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

function lifecycleQuery(request: LifecycleRequest): string {
  const query = new URLSearchParams();
  if ('t' in request && request.t !== undefined) query.set('t', String(request.t));
  if ('signal' in request && request.signal) query.set('signal', request.signal);
  const text = query.toString();
  return text ? `?${text}` : '';
}

export function useContainerAction(hostId: string, id: string) {
  const invalidate = useInvalidateContainer();
  return useMutation({
    mutationFn: (request: LifecycleRequest) =>
      api.post(`${containerPath(hostId, id)}/${request.action}${lifecycleQuery(request)}`),
    onSettled: () => invalidate(hostId, id),
  });
}

export function useRenameContainer(hostId: string, id: string) {
  const invalidate = useInvalidateContainer();
  return useMutation({
    mutationFn: (name: string) =>
      api.post(`${containerPath(hostId, id)}/rename`, { body: { name } }),
    onSuccess: () => invalidate(hostId, id),
  });
}

/** `docker update`: CPU, memory and restart policy; the engine's warnings come back. */
export function useUpdateContainer(hostId: string, id: string) {
  const invalidate = useInvalidateContainer();
  return useMutation({
    mutationFn: (body: TUpdateContainerRequest) =>
      api.post(`${containerPath(hostId, id)}/update`, { body, schema: ZUpdateContainerResponse }),
    onSuccess: () => invalidate(hostId, id),
  });
}

export function useRemoveContainer(hostId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (options: { force: boolean; volumes: boolean }) =>
      api.delete(
        `${containerPath(hostId, id)}?force=${String(options.force)}&volumes=${String(options.volumes)}`,
      ),
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
      api.post(`${containerPath(hostId, id)}/recreate`, {
        body,
        schema: ZRecreateContainerResponse,
      }),
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
      api.post(`/api/hosts/${encodeURIComponent(hostId)}/containers`, {
        body,
        schema: ZCreateContainerResponse,
      }),
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
        const answer = await api.post('/api/containers/bulk', {
          body: { ...options, items: items.slice(start, start + BULK_CHUNK) },
          schema: ZBulkContainerResponse,
        });
        results.push(...answer.results);
      }
      return results;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: containerKeys.all }),
  });
}
