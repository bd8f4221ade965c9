import {
  ROUTES,
  type TCreateGitStackRequest,
  type TCreateStackRequest,
  type TStackProgress,
  type TUpdateStackRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { callRoute } from './api';
import { onStackProgress } from './dashboard-socket';

/** Stacks of the fleet, one stack and its deployments, under one prefix so a change refreshes all. */
export const stackKeys = {
  all: ['stacks'] as const,
  list: ['stacks', 'list'] as const,
  detail: (id: string) => ['stacks', 'detail', id] as const,
  deployments: (id: string) => ['stacks', 'deployments', id] as const,
};

export function useStackList() {
  return useQuery({
    queryKey: stackKeys.list,
    queryFn: () => callRoute(ROUTES.listStacks, { query: {} }),
    refetchInterval: 5_000,
  });
}

export function useStack(id: string) {
  return useQuery({
    queryKey: stackKeys.detail(id),
    queryFn: () => callRoute(ROUTES.getStack, { params: { id } }),
    // Deployments and the engine change the containers; the page follows them.
    refetchInterval: 3_000,
  });
}

/** A stack's deployments; asked again each second while one of them runs. */
export function useStackDeployments(id: string) {
  return useQuery({
    queryKey: stackKeys.deployments(id),
    queryFn: () => callRoute(ROUTES.listStackDeployments, { params: { id } }),
    refetchInterval: (query) =>
      query.state.data?.items.some((d) => d.status === 'queued' || d.status === 'running')
        ? 1_000
        : false,
  });
}

function useStackMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: stackKeys.all }),
  });
}

export function useCreateStack() {
  return useStackMutation(({ hostId, body }: { hostId: string; body: TCreateStackRequest }) =>
    callRoute(ROUTES.createStack, { params: { hostId }, body }),
  );
}

/** A stack whose compose file Berth reads from a git repository. */
export function useCreateGitStack() {
  return useStackMutation(({ hostId, body }: { hostId: string; body: TCreateGitStackRequest }) =>
    callRoute(ROUTES.createGitStack, { params: { hostId }, body }),
  );
}

export function useUpdateStack(id: string) {
  return useStackMutation((body: TUpdateStackRequest) =>
    callRoute(ROUTES.updateStack, { params: { id }, body }),
  );
}

/** A plan changes nothing: it refreshes no list. */
export function usePlanStack(id: string) {
  return useMutation({
    mutationFn: (body: TUpdateStackRequest) =>
      callRoute(ROUTES.planStack, { params: { id }, body }),
  });
}

/** The plan of a stack not created yet: what its first deploy would do on the host. */
export function usePlanNewStack() {
  return useMutation({
    mutationFn: ({ hostId, body }: { hostId: string; body: TCreateStackRequest }) =>
      callRoute(ROUTES.planNewStack, { params: { hostId }, body }),
  });
}

export type StackAction = 'start' | 'stop' | 'down';

const ACTION_ROUTES = {
  start: ROUTES.startStack,
  stop: ROUTES.stopStack,
  down: ROUTES.downStack,
} as const;

export function useStackAction(id: string) {
  return useStackMutation((action: StackAction) =>
    callRoute(ACTION_ROUTES[action], { params: { id } }),
  );
}

export function useDeleteStack(id: string) {
  return useStackMutation((volumes: boolean) =>
    callRoute(ROUTES.deleteStack, {
      params: { id },
      query: { volumes: volumes ? 'true' : 'false' },
    }),
  );
}

/** Where each step of a deployment stands, from the `stack.progress` pushes. */
export interface StepProgress {
  status: TStackProgress['status'];
  message?: string | undefined;
}

/**
 * The step events of the stack deployments this user starts while `listening`: kept by deployment
 * id, since a create learns its deployment's id only after the first events may have come.
 */
export function useStackProgress(listening: boolean) {
  const [events, setEvents] = useState<TStackProgress[]>([]);
  useEffect(() => {
    if (!listening) return;
    return onStackProgress((event) => setEvents((previous) => [...previous, event]));
  }, [listening]);
  function stepsOf(deploymentId: string | null): Map<string, StepProgress> {
    const steps = new Map<string, StepProgress>();
    for (const event of events) {
      if (event.deploymentId !== deploymentId) continue;
      steps.set(event.step, { status: event.status, message: event.message });
    }
    return steps;
  }
  return { stepsOf, clear: () => setEvents([]) };
}
