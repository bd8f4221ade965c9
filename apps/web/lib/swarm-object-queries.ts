import { ROUTES } from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, callRoute, type RouteResult } from './api';
import { SWARM_REFRESH_MS, swarmKeys } from './swarm-queries';

/** A secret or config as listed: metadata and the services using it, never a secret's value. */
export type SwarmObject = RouteResult<typeof ROUTES.listSwarmSecrets>['items'][number];
export type SwarmObjectKind = 'secret' | 'config';
export type SwarmStack = RouteResult<typeof ROUTES.listSwarmStacks>['items'][number];
export type SwarmStackDeployed = RouteResult<typeof ROUTES.deploySwarmStack>;

/** The routes of one kind, so secrets and configs share their views. */
const OBJECT_ROUTES = {
  secret: {
    list: ROUTES.listSwarmSecrets,
    create: ROUTES.createSwarmSecret,
    remove: ROUTES.removeSwarmSecret,
  },
  config: {
    list: ROUTES.listSwarmConfigs,
    create: ROUTES.createSwarmConfig,
    remove: ROUTES.removeSwarmConfig,
  },
} as const;

const objectKey = (hostId: string, kind: SwarmObjectKind) =>
  [...swarmKeys.all, 'objects', kind, hostId] as const;
const stacksKey = (hostId: string) => [...swarmKeys.all, 'stacks', hostId] as const;

export function useSwarmObjects(hostId: string, kind: SwarmObjectKind) {
  return useQuery({
    queryKey: objectKey(hostId, kind),
    queryFn: () => callRoute(OBJECT_ROUTES[kind].list, { params: { hostId } }),
    refetchInterval: SWARM_REFRESH_MS * 2,
    enabled: hostId !== '',
  });
}

/** A change, then every swarm view (services use secrets and configs) asked again. */
function useSwarmChange<TVariables, TResult>(mutationFn: (input: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: swarmKeys.all }),
  });
}

export interface NewSwarmObject {
  name: string;
  value: string;
  labels: Record<string, string>;
}

export function useCreateSwarmObject(hostId: string, kind: SwarmObjectKind) {
  return useSwarmChange((body: NewSwarmObject) =>
    callRoute(OBJECT_ROUTES[kind].create, {
      params: { hostId },
      body: { ...body, encoding: 'text' },
    }),
  );
}

export function useRemoveSwarmObject(hostId: string, kind: SwarmObjectKind) {
  return useSwarmChange((id: string) =>
    callRoute(OBJECT_ROUTES[kind].remove, { params: { hostId, id } }),
  );
}

export function useSwarmStacks(hostId: string) {
  return useQuery({
    queryKey: stacksKey(hostId),
    queryFn: () => callRoute(ROUTES.listSwarmStacks, { params: { hostId } }),
    refetchInterval: SWARM_REFRESH_MS,
  });
}

export interface SwarmStackSource {
  compose: string;
  env: { name: string; value: string; secret: boolean }[];
  /** Files by path; a masked content sent back keeps the one deployed before. */
  files?: Record<string, string>;
}

/**
 * The file the stack was last deployed with through Berth (secrets and file contents masked), or
 * null when none is kept (deployed with the docker CLI, or too large to keep).
 */
export function useSwarmStackSource(hostId: string, name: string) {
  return useQuery({
    queryKey: [...stacksKey(hostId), 'source', name] as const,
    queryFn: () =>
      callRoute(ROUTES.swarmStackSource, { params: { hostId, name } }).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    enabled: name !== '',
    staleTime: 0,
  });
}

export function useDeploySwarmStack(hostId: string) {
  return useSwarmChange((body: SwarmStackSource & { name: string }) =>
    callRoute(ROUTES.deploySwarmStack, { params: { hostId }, body }),
  );
}

export function useUpdateSwarmStack(hostId: string, name: string) {
  return useSwarmChange((body: SwarmStackSource) =>
    callRoute(ROUTES.updateSwarmStack, { params: { hostId, name }, body }),
  );
}

export function useRemoveSwarmStack(hostId: string) {
  return useSwarmChange((name: string) =>
    callRoute(ROUTES.removeSwarmStack, { params: { hostId, name } }),
  );
}
