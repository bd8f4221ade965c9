import { ROUTES, type TCreateStackRequest, type TStackEnvEntry } from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { callRoute } from './api';
import { stackKeys } from './stack-queries';

/** Compose projects no Berth stack manages; under the stacks' prefix, so a change refreshes it. */
export function useUnmanagedStacks() {
  return useQuery({
    queryKey: [...stackKeys.all, 'unmanaged'],
    queryFn: () => callRoute(ROUTES.listUnmanagedStacks, { query: {} }),
    refetchInterval: 10_000,
  });
}

export function useAdoptStack() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ hostId, body }: { hostId: string; body: TCreateStackRequest }) =>
      callRoute(ROUTES.adoptStack, { params: { hostId }, body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: stackKeys.all }),
  });
}

/** The start of a new stack, handed from a container's page to the new stack's form. */
export interface ComposeDraft {
  hostId: string;
  compose: string;
  env: TStackEnvEntry[];
}

const draftKey = (id: string) => `berth.stack-draft.${id}`;

/**
 * Asks for the containers' compose file and keeps it in this tab for the new stack's form, under
 * the id answered: the variables it refers to for secrets come as empty secret variables, to be
 * given values there.
 */
export function useComposeFromContainers() {
  return useMutation({
    mutationFn: async ({ hostId, ids }: { hostId: string; ids: string[] }) => {
      const answer = await callRoute(ROUTES.composeFromContainers, {
        params: { hostId },
        body: { ids },
      });
      const draft: ComposeDraft = {
        hostId,
        compose: answer.compose,
        env: answer.variables.map((name) => ({ name, value: '', secret: true })),
      };
      const id = crypto.randomUUID();
      sessionStorage.setItem(draftKey(id), JSON.stringify(draft));
      return id;
    },
  });
}

/** The text of the draft kept under `id` in this tab (null on the server and when none is kept). */
export function useComposeDraftText(id: string | undefined): string | null {
  return useSyncExternalStore(
    noSubscription,
    () => (id ? sessionStorage.getItem(draftKey(id)) : null),
    () => null,
  );
}

/** A kept draft only changes when a new one is made, under a new id. */
const noSubscription = () => () => {};

export function parseComposeDraft(text: string | null): ComposeDraft | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as ComposeDraft;
  } catch {
    return undefined;
  }
}
