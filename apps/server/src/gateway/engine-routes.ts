import type { Permission } from '@berth/shared';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

interface EngineRoute {
  method: Method | '*';
  /** Path pattern without the version prefix; `{}` matches one segment, `{...}` the rest (image names). */
  path: string;
  permission: Permission;
}

/**
 * Every Docker Engine API route Berth lets through, and the one permission each needs. A route not
 * listed is refused to everyone but global administrators.
 */
export const ENGINE_ROUTES: readonly EngineRoute[] = [
  { method: '*', path: '/_ping', permission: 'host.view' },
  { method: 'GET', path: '/version', permission: 'host.view' },
  { method: 'GET', path: '/info', permission: 'system.info' },
  { method: 'GET', path: '/events', permission: 'system.info' },
  { method: 'GET', path: '/system/df', permission: 'system.info' },
  { method: 'POST', path: '/auth', permission: 'registry.use' },
  { method: 'GET', path: '/distribution/{...}/json', permission: 'image.pull' },

  { method: 'GET', path: '/containers/json', permission: 'container.list' },
  { method: 'POST', path: '/containers/create', permission: 'container.create' },
  { method: 'POST', path: '/containers/prune', permission: 'container.delete' },
  { method: 'GET', path: '/containers/{}/json', permission: 'container.inspect' },
  { method: 'GET', path: '/containers/{}/top', permission: 'container.inspect' },
  { method: 'GET', path: '/containers/{}/changes', permission: 'container.inspect' },
  { method: 'GET', path: '/containers/{}/logs', permission: 'container.logs' },
  { method: 'GET', path: '/containers/{}/stats', permission: 'container.stats' },
  { method: 'GET', path: '/containers/{}/export', permission: 'container.files' },
  { method: 'GET', path: '/containers/{}/archive', permission: 'container.files' },
  { method: 'HEAD', path: '/containers/{}/archive', permission: 'container.files' },
  { method: 'PUT', path: '/containers/{}/archive', permission: 'container.files' },
  { method: 'POST', path: '/containers/{}/start', permission: 'container.start' },
  { method: 'POST', path: '/containers/{}/restart', permission: 'container.start' },
  { method: 'POST', path: '/containers/{}/unpause', permission: 'container.start' },
  { method: 'POST', path: '/containers/{}/stop', permission: 'container.stop' },
  { method: 'POST', path: '/containers/{}/kill', permission: 'container.stop' },
  { method: 'POST', path: '/containers/{}/pause', permission: 'container.stop' },
  { method: 'POST', path: '/containers/{}/wait', permission: 'container.inspect' },
  { method: 'POST', path: '/containers/{}/resize', permission: 'container.exec' },
  { method: 'POST', path: '/containers/{}/attach', permission: 'container.exec' },
  { method: 'GET', path: '/containers/{}/attach/ws', permission: 'container.exec' },
  { method: 'POST', path: '/containers/{}/exec', permission: 'container.exec' },
  { method: 'POST', path: '/containers/{}/rename', permission: 'container.update' },
  { method: 'POST', path: '/containers/{}/update', permission: 'container.update' },
  { method: 'DELETE', path: '/containers/{}', permission: 'container.delete' },
  { method: 'POST', path: '/exec/{}/start', permission: 'container.exec' },
  { method: 'POST', path: '/exec/{}/resize', permission: 'container.exec' },
  { method: 'GET', path: '/exec/{}/json', permission: 'container.exec' },
  { method: 'POST', path: '/commit', permission: 'image.build' },

  { method: 'GET', path: '/images/json', permission: 'image.list' },
  { method: 'GET', path: '/images/search', permission: 'image.list' },
  { method: 'GET', path: '/images/get', permission: 'image.list' },
  { method: 'POST', path: '/images/create', permission: 'image.pull' },
  { method: 'POST', path: '/images/load', permission: 'image.pull' },
  { method: 'POST', path: '/images/prune', permission: 'image.delete' },
  { method: 'POST', path: '/build', permission: 'image.build' },
  { method: 'POST', path: '/build/prune', permission: 'image.delete' },
  { method: 'POST', path: '/build/cancel', permission: 'image.build' },
  { method: 'POST', path: '/session', permission: 'image.build' },
  { method: 'GET', path: '/images/{...}/json', permission: 'image.list' },
  { method: 'GET', path: '/images/{...}/history', permission: 'image.list' },
  { method: 'GET', path: '/images/{...}/get', permission: 'image.list' },
  { method: 'POST', path: '/images/{...}/push', permission: 'image.push' },
  { method: 'POST', path: '/images/{...}/tag', permission: 'image.push' },
  { method: 'DELETE', path: '/images/{...}', permission: 'image.delete' },

  { method: 'GET', path: '/networks', permission: 'network.list' },
  { method: 'POST', path: '/networks/create', permission: 'network.create' },
  { method: 'POST', path: '/networks/prune', permission: 'network.delete' },
  { method: 'GET', path: '/networks/{}', permission: 'network.list' },
  { method: 'POST', path: '/networks/{}/connect', permission: 'network.connect' },
  { method: 'POST', path: '/networks/{}/disconnect', permission: 'network.connect' },
  { method: 'DELETE', path: '/networks/{}', permission: 'network.delete' },

  { method: 'GET', path: '/volumes', permission: 'volume.list' },
  { method: 'POST', path: '/volumes/create', permission: 'volume.create' },
  { method: 'POST', path: '/volumes/prune', permission: 'volume.delete' },
  { method: 'GET', path: '/volumes/{}', permission: 'volume.list' },
  { method: 'DELETE', path: '/volumes/{}', permission: 'volume.delete' },

  { method: 'GET', path: '/plugins', permission: 'plugin.list' },
  { method: 'GET', path: '/plugins/privileges', permission: 'plugin.list' },
  { method: 'POST', path: '/plugins/pull', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/create', permission: 'plugin.install' },
  { method: 'GET', path: '/plugins/{...}/json', permission: 'plugin.list' },
  { method: 'POST', path: '/plugins/{...}/enable', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/{...}/disable', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/{...}/upgrade', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/{...}/push', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/{...}/set', permission: 'plugin.install' },
  { method: 'DELETE', path: '/plugins/{...}', permission: 'plugin.install' },

  { method: 'GET', path: '/swarm', permission: 'swarm.view' },
  { method: 'GET', path: '/swarm/unlockkey', permission: 'swarm.manage' },
  { method: 'POST', path: '/swarm/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/nodes', permission: 'swarm.view' },
  { method: 'GET', path: '/nodes/{}', permission: 'swarm.view' },
  { method: 'POST', path: '/nodes/{}/update', permission: 'swarm.manage' },
  { method: 'DELETE', path: '/nodes/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/services', permission: 'swarm.view' },
  { method: 'POST', path: '/services/create', permission: 'swarm.manage' },
  { method: 'GET', path: '/services/{}', permission: 'swarm.view' },
  { method: 'GET', path: '/services/{}/logs', permission: 'container.logs' },
  { method: 'POST', path: '/services/{}/update', permission: 'swarm.manage' },
  { method: 'DELETE', path: '/services/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/tasks', permission: 'swarm.view' },
  { method: 'GET', path: '/tasks/{}', permission: 'swarm.view' },
  { method: 'GET', path: '/tasks/{}/logs', permission: 'container.logs' },
  { method: 'GET', path: '/secrets', permission: 'swarm.view' },
  { method: 'POST', path: '/secrets/create', permission: 'swarm.manage' },
  { method: 'GET', path: '/secrets/{}', permission: 'swarm.view' },
  { method: 'POST', path: '/secrets/{}/update', permission: 'swarm.manage' },
  { method: 'DELETE', path: '/secrets/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/configs', permission: 'swarm.view' },
  { method: 'POST', path: '/configs/create', permission: 'swarm.manage' },
  { method: 'GET', path: '/configs/{}', permission: 'swarm.view' },
  { method: 'POST', path: '/configs/{}/update', permission: 'swarm.manage' },
  { method: 'DELETE', path: '/configs/{}', permission: 'swarm.manage' },
];

interface CompiledRoute extends EngineRoute {
  pattern: RegExp;
  exact: boolean;
}

const COMPILED: CompiledRoute[] = ENGINE_ROUTES.map((route) => ({
  ...route,
  exact: !route.path.includes('{'),
  pattern: new RegExp(
    `^${route.path
      .split(/(\{\}|\{\.\.\.\})/)
      .map((part) =>
        part === '{}'
          ? '[^/]+'
          : part === '{...}'
            ? '.+'
            : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  ),
}));

/** The permission a call needs, or null for a route outside the catalog. Exact paths win over patterns. */
export function permissionFor(method: string, route: string): Permission | null {
  const m = method.toUpperCase();
  const candidates = COMPILED.filter(
    (r) => (r.method === '*' || r.method === m) && r.pattern.test(route),
  );
  const best = candidates.find((r) => r.exact) ?? candidates[0];
  return best?.permission ?? null;
}

/** The object a call acts on, for the audit record: a container, image, network… id or name. */
export function targetOf(route: string, query: URLSearchParams): string | null {
  const fromQuery = query.get('fromImage') ?? query.get('t') ?? query.get('name');
  if (fromQuery) return query.get('tag') ? `${fromQuery}:${query.get('tag')}` : fromQuery;
  const image = /^\/images\/(.+?)(\/(json|history|get|push|tag))?$/.exec(route);
  if (image?.[1] && !['create', 'load', 'prune', 'json', 'search', 'get'].includes(image[1]))
    return image[1];
  const segments = route.split('/').filter(Boolean);
  const id = segments[1];
  return id && !['create', 'prune', 'json'].includes(id) ? id : null;
}
