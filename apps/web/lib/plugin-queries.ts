import {
  ROUTES,
  type TConfigurePluginRequest,
  type TInstallPluginRequest,
  type TSystemPruneRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from './api';

/** One host's plugins and storage, under one prefix per host so a change refreshes them. */
export const pluginKeys = {
  list: (hostId: string) => ['plugins', hostId] as const,
  storage: (hostId: string) => ['host-storage', hostId] as const,
  diskUsage: (hostId: string) => ['host-storage', hostId, 'df'] as const,
  prunePreview: (hostId: string, choices: TSystemPruneRequest) =>
    ['host-storage', hostId, 'prune', choices] as const,
};

export function usePlugins(hostId: string) {
  return useQuery({
    queryKey: pluginKeys.list(hostId),
    queryFn: () => callRoute(ROUTES.listPlugins, { params: { hostId } }),
    enabled: hostId !== '',
  });
}

/** The privileges a plugin asks for, asked when the user reviews an install. */
export function usePluginPrivileges(hostId: string) {
  return useMutation({
    mutationFn: (remote: string) =>
      callRoute(ROUTES.pluginPrivileges, { params: { hostId }, query: { remote } }),
  });
}

function usePluginMutation<TVariables, TResult>(
  hostId: string,
  mutationFn: (input: TVariables) => Promise<TResult>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: pluginKeys.list(hostId) }),
  });
}

export function useInstallPlugin(hostId: string) {
  return usePluginMutation(hostId, (body: TInstallPluginRequest) =>
    callRoute(ROUTES.installPlugin, { params: { hostId }, body }),
  );
}

export function useTogglePlugin(hostId: string) {
  return usePluginMutation(hostId, ({ name, enable }: { name: string; enable: boolean }) =>
    enable
      ? callRoute(ROUTES.enablePlugin, { params: { hostId, name } })
      : callRoute(ROUTES.disablePlugin, { params: { hostId, name }, query: {} }),
  );
}

export function useConfigurePlugin(hostId: string) {
  return usePluginMutation(
    hostId,
    ({ name, body }: { name: string; body: TConfigurePluginRequest }) =>
      callRoute(ROUTES.configurePlugin, { params: { hostId, name }, body }),
  );
}

export function useRemovePlugin(hostId: string) {
  return usePluginMutation(hostId, (name: string) =>
    callRoute(ROUTES.removePlugin, { params: { hostId, name }, query: { force: 'true' } }),
  );
}

export function useHostStorage(hostId: string) {
  return useQuery({
    queryKey: pluginKeys.storage(hostId),
    queryFn: () => callRoute(ROUTES.hostStorage, { params: { hostId } }),
  });
}

export function useDiskUsage(hostId: string) {
  return useQuery({
    queryKey: pluginKeys.diskUsage(hostId),
    queryFn: () => callRoute(ROUTES.hostDiskUsage, { params: { hostId } }),
  });
}

export function usePrunePreview(hostId: string, choices: TSystemPruneRequest, enabled: boolean) {
  return useQuery({
    queryKey: pluginKeys.prunePreview(hostId, choices),
    queryFn: () =>
      callRoute(ROUTES.previewSystemPrune, {
        params: { hostId },
        query: {
          images: choices.images ?? 'dangling',
          containers: String(choices.containers ?? true) as 'true' | 'false',
          networks: String(choices.networks ?? true) as 'true' | 'false',
          volumes: String(choices.volumes ?? false) as 'true' | 'false',
          buildCache: String(choices.buildCache ?? true) as 'true' | 'false',
        },
      }),
    enabled,
  });
}

export function useSystemPrune(hostId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TSystemPruneRequest) =>
      callRoute(ROUTES.systemPrune, { params: { hostId }, body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['host-storage', hostId] }),
  });
}
