import type {
  TContainerWebhook,
  TCreateContainerWebhookRequest,
  TCreateStackWebhookRequest,
  TStackWebhookUrl,
} from '@berth/shared';
import {
  type QueryKey,
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';

/** One webhook as listed, whatever it calls (a stack, a container or a service). */
export interface WebhookRow {
  id: string;
  signed: boolean;
  pulls: boolean;
  refs: string[];
  services: string[];
  rateLimit: number;
  lastCalledAt: string | null;
}

/** A new webhook's options, as the stack's form takes them (a container's or a service's use a part of them). */
export type WebhookRequest = TCreateStackWebhookRequest;

/** Where a panel's webhooks live: their list and the calls that change them. */
export interface WebhookCalls {
  list: UseQueryResult<WebhookRow[]>;
  create: UseMutationResult<TStackWebhookUrl, Error, WebhookRequest>;
  rotate: UseMutationResult<TStackWebhookUrl, Error, string>;
  revoke: UseMutationResult<unknown, Error, string>;
}

/** The list and its changes under one query key, each change refreshing the list. */
export function useWebhookCalls<T>(
  key: QueryKey,
  calls: {
    list: () => Promise<{ items: T[] }>;
    row: (hook: T) => WebhookRow;
    create: (request: WebhookRequest) => Promise<TStackWebhookUrl>;
    rotate: (webhookId: string) => Promise<TStackWebhookUrl>;
    revoke: (webhookId: string) => Promise<unknown>;
  },
): WebhookCalls {
  const queryClient = useQueryClient();
  const onSettled = () => queryClient.invalidateQueries({ queryKey: key });
  return {
    list: useQuery({
      queryKey: key,
      queryFn: calls.list,
      select: (data) => data.items.map(calls.row),
    }),
    create: useMutation({ mutationFn: calls.create, onSettled }),
    rotate: useMutation({ mutationFn: calls.rotate, onSettled }),
    revoke: useMutation({ mutationFn: calls.revoke, onSettled }),
  };
}

/** A webhook of one engine object (a container, a swarm service): its image pulled first or not. */
type ObjectWebhook = Omit<TContainerWebhook, 'container'>;

/**
 * The calls of a container's or a service's webhooks: the panel's "pull images" option is the
 * object's `pullImage`, and there are no services to choose.
 */
export function useObjectWebhookCalls(
  key: QueryKey,
  calls: {
    list: () => Promise<{ items: ObjectWebhook[] }>;
    create: (request: TCreateContainerWebhookRequest) => Promise<TStackWebhookUrl>;
    rotate: (webhookId: string) => Promise<TStackWebhookUrl>;
    revoke: (webhookId: string) => Promise<unknown>;
  },
): WebhookCalls {
  return useWebhookCalls(key, {
    ...calls,
    row: (hook) => ({ ...hook, pulls: hook.pullImage, services: [] }),
    create: ({ pullImages, services: _services, ...options }) =>
      calls.create({ ...options, pullImage: pullImages }),
  });
}
