import { z } from 'zod';
import type { ApiRoute } from './api-contract.js';
import {
  ZConfigurePluginRequest,
  ZDiskUsage,
  ZHostStorage,
  ZInstallPluginRequest,
  ZPlugin,
  ZPluginDetail,
  ZPluginForceQuery,
  ZPluginPrivilegesQuery,
  ZPluginPrivilegesResponse,
  ZSystemPrunePreview,
  ZSystemPrunePreviewQuery,
  ZSystemPruneRequest,
  ZSystemPruneResponse,
  ZUpgradePluginRequest,
} from './schemas/plugins.js';

/** A change to one installed plugin (by id or URL-encoded name). */
function pluginAction(action: 'enable' | 'disable' | 'configure' | 'upgrade', summary: string) {
  return {
    method: 'post',
    path: `/api/hosts/{hostId}/plugins/{name}/${action}`,
    permission: 'plugin.install',
    audit: `plugin.${action}`,
    tag: 'plugins',
    summary,
    access: 'user',
  } as const satisfies ApiRoute;
}

/** Managed plugins of one host, and its storage: driver, disk usage, prune. */
export const PLUGIN_ROUTES = {
  listPlugins: {
    method: 'get',
    path: '/api/hosts/{hostId}/plugins',
    permission: 'plugin.list',
    tag: 'plugins',
    summary: 'Installed plugins: name, tag, type, enabled, settings',
    access: 'user',
    response: z.array(ZPlugin),
  },
  pluginPrivileges: {
    method: 'get',
    path: '/api/hosts/{hostId}/plugin-privileges',
    permission: 'plugin.install',
    tag: 'plugins',
    summary:
      'The privileges a plugin in a registry asks for, to show before it is installed (stored registry login added by the server)',
    access: 'user',
    query: ZPluginPrivilegesQuery,
    response: ZPluginPrivilegesResponse,
  },
  installPlugin: {
    method: 'post',
    path: '/api/hosts/{hostId}/plugins',
    permission: 'plugin.install',
    audit: 'plugin.install',
    tag: 'plugins',
    summary:
      'Install a plugin with the privileges the user accepted; progress over socket.io (plugin.pull); a failed install leaves nothing behind',
    access: 'user',
    body: ZInstallPluginRequest,
    response: ZPlugin,
    status: 201,
  },
  inspectPlugin: {
    method: 'get',
    path: '/api/hosts/{hostId}/plugins/{name}',
    permission: 'plugin.list',
    tag: 'plugins',
    summary: 'Inspect a plugin (by id, or its name URL-encoded)',
    access: 'user',
    response: ZPluginDetail,
  },
  enablePlugin: { ...pluginAction('enable', 'Enable a plugin'), status: 204 },
  disablePlugin: {
    ...pluginAction('disable', 'Disable a plugin; force: even while volumes use it'),
    query: ZPluginForceQuery,
    status: 204,
  },
  configurePlugin: {
    ...pluginAction(
      'configure',
      'Change settings (`plugin set`): KEY=value, mount.source=, device.path=, args=; the plugin must be disabled',
    ),
    body: ZConfigurePluginRequest,
    response: ZPlugin,
    status: 200,
  },
  upgradePlugin: {
    ...pluginAction(
      'upgrade',
      'Upgrade a disabled plugin to another reference with the accepted privileges; progress over socket.io (plugin.pull)',
    ),
    body: ZUpgradePluginRequest,
    response: ZPlugin,
    status: 200,
  },
  removePlugin: {
    method: 'delete',
    path: '/api/hosts/{hostId}/plugins/{name}',
    permission: 'plugin.install',
    audit: 'plugin.remove',
    tag: 'plugins',
    summary: 'Remove a plugin; force: even when enabled',
    access: 'user',
    query: ZPluginForceQuery,
    status: 204,
  },
  hostStorage: {
    method: 'get',
    path: '/api/hosts/{hostId}/storage',
    permission: 'system.info',
    tag: 'hosts',
    summary: "The engine's storage driver with its status fields, and its data root",
    access: 'user',
    response: ZHostStorage,
  },
  hostDiskUsage: {
    method: 'get',
    path: '/api/hosts/{hostId}/disk-usage',
    permission: 'system.info',
    tag: 'hosts',
    summary: 'Disk usage (`system df`): images, containers, volumes, build cache, with reclaimable',
    access: 'user',
    response: ZDiskUsage,
  },
  previewSystemPrune: {
    method: 'get',
    path: '/api/hosts/{hostId}/prune',
    permission: 'system.prune',
    tag: 'hosts',
    summary: 'What a prune with these choices would remove now, with sizes',
    access: 'user',
    query: ZSystemPrunePreviewQuery,
    response: ZSystemPrunePreview,
  },
  systemPrune: {
    method: 'post',
    path: '/api/hosts/{hostId}/prune',
    permission: 'system.prune',
    audit: 'system.prune',
    tag: 'hosts',
    summary:
      'Remove stopped containers, unused networks, dangling (or all unused) images, unused volumes and build cache as chosen',
    access: 'user',
    body: ZSystemPruneRequest,
    response: ZSystemPruneResponse,
    status: 200,
  },
} satisfies Record<string, ApiRoute>;
