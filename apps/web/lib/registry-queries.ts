import {
  ROUTES,
  type TCreateRegistryRequest,
  type TPullImagesRequest,
  type TRegistryAccess,
  type TUpdateRegistryRequest,
} from '@berth/shared';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { callRoute } from './api';

/** Stored registries and what is in them, under one key prefix so a change refreshes all of it. */
export const registryKeys = {
  all: ['registries'] as const,
  usable: (hostId: string) => ['registries', 'usable', hostId] as const,
  repositories: (id: string) => ['registries', id, 'repositories'] as const,
  tags: (id: string, repository: string) => ['registries', id, 'tags', repository] as const,
  manifest: (id: string, repository: string, tag: string) =>
    ['registries', id, 'manifest', repository, tag] as const,
};

function changed(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ queryKey: registryKeys.all });
}

function useRegistryMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => changed(queryClient) });
}

export function useRegistries() {
  return useQuery({
    queryKey: registryKeys.all,
    queryFn: () => callRoute(ROUTES.listRegistries),
  });
}

/** The stored registries the signed-in user may push and pull with on a host (no logins). */
export function useUsableRegistries(hostId: string, enabled: boolean) {
  return useQuery({
    queryKey: registryKeys.usable(hostId),
    queryFn: () => callRoute(ROUTES.listUsableRegistries, { params: { hostId } }),
    enabled,
  });
}

export function useCreateRegistry() {
  return useRegistryMutation((body: TCreateRegistryRequest) =>
    callRoute(ROUTES.createRegistry, { body }),
  );
}

export function useUpdateRegistry(id: string) {
  return useRegistryMutation((body: TUpdateRegistryRequest) =>
    callRoute(ROUTES.updateRegistry, { params: { id }, body }),
  );
}

export function useRemoveRegistry() {
  return useRegistryMutation((id: string) => callRoute(ROUTES.removeRegistry, { params: { id } }));
}

export function useSetRegistryAccess(id: string) {
  return useRegistryMutation((body: TRegistryAccess) =>
    callRoute(ROUTES.setRegistryAccess, { params: { id }, body }),
  );
}

/** A connection test of an unsaved registry; its answer says why it failed. */
export function useTestRegistryDraft() {
  return useMutation({
    mutationFn: (body: TCreateRegistryRequest) => callRoute(ROUTES.testNewRegistry, { body }),
  });
}

export function useTestRegistry() {
  return useMutation({
    mutationFn: (id: string) => callRoute(ROUTES.testRegistry, { params: { id } }),
  });
}

/** The catalog page by page (`nextCursor`), or the repositories seen on the hosts. */
export function useRepositories(id: string) {
  return useInfiniteQuery({
    queryKey: registryKeys.repositories(id),
    queryFn: ({ pageParam }) =>
      callRoute(ROUTES.listRegistryRepositories, {
        params: { id },
        query: pageParam ? { cursor: pageParam } : {},
      }),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useTags(id: string, repository: string | null) {
  return useQuery({
    queryKey: registryKeys.tags(id, repository ?? ''),
    queryFn: () => callRoute(ROUTES.listRegistryTags, { params: { id, name: repository ?? '' } }),
    enabled: repository !== null,
  });
}

export function useTagManifest(id: string, repository: string, tag: string | null) {
  return useQuery({
    queryKey: registryKeys.manifest(id, repository, tag ?? ''),
    queryFn: () =>
      callRoute(ROUTES.inspectRegistryTag, { params: { id, name: repository, tag: tag ?? '' } }),
    enabled: tag !== null,
  });
}

export function useDeleteTag(id: string, repository: string) {
  return useRegistryMutation((tag: string) =>
    callRoute(ROUTES.deleteRegistryTag, { params: { id, name: repository, tag } }),
  );
}

/** Pulls an image to hosts through the images API (stored logins added by the server). */
export function usePullToHosts() {
  return useMutation({
    mutationFn: (body: TPullImagesRequest) => callRoute(ROUTES.pullImages, { body }),
  });
}
