import {
  ROUTES,
  type Permission,
  type TCreateServiceRequest,
  type TRotateJoinTokensRequest,
  type TServiceSummary,
  type TServiceUpdateStatus,
  type TSwarmInfo,
  type TUpdateNodeRequest,
  type TUpdateServiceRequest,
} from '@berth/shared';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError, callRoute } from './api';
import { hostsWith, useCapabilities } from './capabilities';
import { useFleetSummary } from './container-queries';

/** Swarms, nodes, services and tasks under one prefix, so a change refreshes every view of them. */
export const swarmKeys = {
  all: ['swarm'] as const,
  swarm: (hostId: string) => ['swarm', 'info', hostId] as const,
  nodes: (hostId: string) => ['swarm', 'nodes', hostId] as const,
  services: (hostId: string) => ['swarm', 'services', hostId] as const,
  service: (hostId: string, id: string) => ['swarm', 'service', hostId, id] as const,
  tasks: (hostId: string, id: string) => ['swarm', 'tasks', hostId, id] as const,
  nodeTasks: (hostId: string, nodeId: string) => ['swarm', 'node-tasks', hostId, nodeId] as const,
};

/** How often the swarm's views ask again: the engine pushes no service or task events. */
export const SWARM_REFRESH_MS = 3_000;
/** While a rolling update or a scale is under way, tasks are asked for this often. */
export const SWARM_BUSY_REFRESH_MS = 1_000;

/** Whether an answer says the host's engine is not a swarm manager (a worker, or no swarm). */
export function isNotManager(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'NOT_A_SWARM_MANAGER';
}

export interface SwarmHost {
  hostId: string;
  name: string;
  /** The swarm's facts; undefined while asked, or when the host could not answer. */
  swarm: TSwarmInfo | undefined;
  /** Why the host could not answer (down, unreachable); null when it answered. */
  error: unknown;
  pending: boolean;
}

/**
 * The hosts the user may see swarms on (`swarm.view`), each asked for its swarm: a host whose
 * engine is not a manager is left out, so no page offers it. With `permission`, only hosts where
 * the user also holds it.
 */
export function useSwarmHosts(permission: Permission = 'swarm.view') {
  const capabilities = useCapabilities().data;
  const summary = useFleetSummary();
  const hostIds = useMemo(() => {
    const allowed = new Set(hostsWith(capabilities, permission));
    return hostsWith(capabilities, 'swarm.view').filter((hostId) => allowed.has(hostId));
  }, [capabilities, permission]);
  const answers = useQueries({
    queries: hostIds.map((hostId) => ({
      queryKey: swarmKeys.swarm(hostId),
      queryFn: () => callRoute(ROUTES.inspectSwarm, { params: { hostId } }),
      retry: false,
      staleTime: 10_000,
    })),
  });
  const names = new Map((summary.data?.perHost ?? []).map((host) => [host.hostId, host.name]));
  const hosts: SwarmHost[] = hostIds
    .map((hostId, index) => {
      const answer = answers[index]!;
      return {
        hostId,
        name: names.get(hostId) ?? hostId,
        swarm: answer.data,
        error: answer.isError ? answer.error : null,
        pending: answer.isPending,
      };
    })
    .filter((host) => !isNotManager(host.error))
    .sort((a, b) => a.name.localeCompare(b.name));
  /** Registered hosts whose engine is a worker node, by node id (their 409 names it). */
  const workerHosts = new Map<string, string>();
  hostIds.forEach((hostId, index) => {
    const error = answers[index]!.error;
    const nodeId = isNotManager(error) ? (error as ApiError).details['nodeId'] : undefined;
    if (typeof nodeId === 'string') workerHosts.set(nodeId, hostId);
  });
  return {
    hosts,
    workerHosts,
    /** Hosts asked that answered they are no manager. */
    notManagers: hostIds.length - hosts.length,
    pending: answers.some((answer) => answer.isPending) || summary.isPending,
  };
}

export function useSwarm(hostId: string) {
  return useQuery({
    queryKey: swarmKeys.swarm(hostId),
    queryFn: () => callRoute(ROUTES.inspectSwarm, { params: { hostId } }),
    retry: false,
    enabled: hostId !== '',
  });
}

export function useSwarmNodes(hostId: string) {
  return useQuery({
    queryKey: swarmKeys.nodes(hostId),
    queryFn: () => callRoute(ROUTES.listSwarmNodes, { params: { hostId } }),
    refetchInterval: SWARM_REFRESH_MS,
    retry: false,
  });
}

/** The tasks placed on one node, of every service. */
export function useNodeTasks(hostId: string, nodeId: string) {
  return useQuery({
    queryKey: swarmKeys.nodeTasks(hostId, nodeId),
    queryFn: () => callRoute(ROUTES.listNodeTasks, { params: { hostId, nodeId } }),
    refetchInterval: SWARM_REFRESH_MS,
  });
}

/** A change, then every swarm view asked again. */
function useSwarmMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: swarmKeys.all }),
  });
}

export function useRotateJoinTokens(hostId: string) {
  return useSwarmMutation((body: TRotateJoinTokensRequest) =>
    callRoute(ROUTES.rotateJoinTokens, { params: { hostId }, body }),
  );
}

export function useUpdateNode(hostId: string) {
  return useSwarmMutation(({ nodeId, body }: { nodeId: string; body: TUpdateNodeRequest }) =>
    callRoute(ROUTES.updateSwarmNode, { params: { hostId, nodeId }, body }),
  );
}

export function useRemoveNode(hostId: string) {
  return useSwarmMutation((nodeId: string) =>
    callRoute(ROUTES.removeSwarmNode, { params: { hostId, nodeId }, query: { force: 'false' } }),
  );
}

/** Services of every manager host the user may see (or one), asked again every few seconds. */
export function useServiceList(hostId: string) {
  return useQuery({
    queryKey: [...swarmKeys.services(hostId || '*')],
    queryFn: () => callRoute(ROUTES.listServices, { query: hostId ? { hostId } : {} }),
    refetchInterval: SWARM_REFRESH_MS,
  });
}

/** Whether a rolling update or rollback is still under way. */
export function isUpdating(status: TServiceUpdateStatus | null): boolean {
  return status !== null && (status.state === 'updating' || status.state === 'rollback_started');
}

/** Whether the swarm is still moving the service's tasks: an update, or replicas not yet there. */
export function isSettling(service: Pick<TServiceSummary, 'updateStatus' | 'replicas'>): boolean {
  return isUpdating(service.updateStatus) || service.replicas.running !== service.replicas.desired;
}

/** A service, asked again every second while its tasks are moving. */
export function useService(hostId: string, id: string) {
  return useQuery({
    queryKey: swarmKeys.service(hostId, id),
    queryFn: () => callRoute(ROUTES.inspectService, { params: { hostId, id } }),
    refetchInterval: (query) =>
      query.state.data && isSettling(query.state.data) ? SWARM_BUSY_REFRESH_MS : SWARM_REFRESH_MS,
    retry: false,
  });
}

export function useServiceTasks(hostId: string, id: string, busy: boolean) {
  return useQuery({
    queryKey: swarmKeys.tasks(hostId, id),
    queryFn: () => callRoute(ROUTES.listServiceTasks, { params: { hostId, id } }),
    refetchInterval: busy ? SWARM_BUSY_REFRESH_MS : SWARM_REFRESH_MS,
  });
}

export function useCreateService(hostId: string) {
  return useSwarmMutation((body: TCreateServiceRequest) =>
    callRoute(ROUTES.createService, { params: { hostId }, body }),
  );
}

export function useScaleService(hostId: string, id: string) {
  return useSwarmMutation((replicas: number) =>
    callRoute(ROUTES.scaleService, { params: { hostId, id }, body: { replicas } }),
  );
}

export function useUpdateService(hostId: string, id: string) {
  return useSwarmMutation((body: TUpdateServiceRequest) =>
    callRoute(ROUTES.updateService, { params: { hostId, id }, body }),
  );
}

export function useRollbackService(hostId: string, id: string) {
  return useSwarmMutation(() => callRoute(ROUTES.rollbackService, { params: { hostId, id } }));
}

/** A remove refreshes the lists only: the removed service's page is left, not asked again. */
export function useRemoveService(hostId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callRoute(ROUTES.removeService, { params: { hostId, id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['swarm', 'services'] }),
  });
}
