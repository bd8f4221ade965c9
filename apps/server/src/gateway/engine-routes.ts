import {
  checkContainerCreateWithShares,
  checkExecCreate,
  checkVolumeCreate,
  type ContainerLookup,
  type FieldIssue,
  type Permission,
  type THostPolicy,
} from '@berth/shared';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/**
 * What a route means for a caller whose grant reaches only what they or their team own (the
 * Standard user role):
 * - `shared`: it touches nothing anyone owns (engine facts, images, plugins), so it passes as is.
 *   Images are shared by everyone on a host: pulling one is allowed, and every image is listed;
 * - `list`: the engine's answer is filtered to the caller's containers, networks or volumes;
 * - `create`: the body gets the caller's owner labels, as the REST API's create stamps them;
 * - `target`: the container, network, volume or exec in the path must be the caller's, else the
 *   answer is the engine's own 404 (as if it did not exist);
 * - `connect`: `target`, and the container named in the body must be the caller's too.
 *
 * A route without one is refused to such callers, naming the permission: prunes would remove
 * other people's unused objects; `/events` and `/system/df` describe every owner's containers and
 * volumes; removing, tagging, pushing, building or committing an image acts on something shared
 * that nobody owns; plugins and swarm objects carry no owner at all.
 */
export type OwnedUse = 'shared' | 'list' | 'create' | 'target' | 'connect';

/** What an owned route lists, creates or acts on: the kind of object that carries owner labels. */
export type OwnedObject = 'container' | 'network' | 'volume' | 'exec';

/**
 * How the engine answers, when not with one plain body:
 * - `progress`: 200 at once, then JSON lines of progress; a failure comes as an `error` line
 *   inside the stream (pull, push, build, load, plugin pull);
 * - `lines`: a stream of lines kept open while the engine has more to say (logs, events, stats).
 */
export type EngineAnswer = 'progress' | 'lines';

/**
 * A host security policy rule over a request body; each issue names the offending field. `lookup`
 * reads a container the body refers to (whose namespaces a new container would share).
 */
export type BodyPolicy = (
  policy: THostPolicy,
  body: unknown,
  lookup: ContainerLookup,
) => FieldIssue[] | Promise<FieldIssue[]>;

export interface EngineRoute {
  method: Method | '*';
  /** Path pattern without the version prefix; `{}` matches one segment, `{...}` the rest (image names). */
  path: string;
  permission: Permission;
  owned?: OwnedUse;
  /** The kind of object `owned` is about (every owned use but `shared`). */
  object?: OwnedObject;
  answer?: EngineAnswer;
  /**
   * The engine hijacks the connection (attach, exec start, BuildKit's session): the only routes a
   * request with `Connection: Upgrade` may take as an upgrade. On any other route such a request
   * is an ordinary request, checked like one.
   */
  upgrade?: true;
  /**
   * The body is read (bounded) and checked against the host's security policy before it is
   * forwarded, for everyone but global administrators; what is forwarded is what was checked.
   */
  policy?: BodyPolicy;
  /** The answer is an inspect whose secret environment values are masked for non-administrators. */
  masksSecrets?: true;
  /**
   * The query parameter that names what the call makes (a pull's image, a build's tag, a new
   * container's name), with `tag` added when given. Without it, what the path names is the target.
   */
  targetQuery?: string;
  /**
   * Stored registry logins the call gets: a pull's for the registry of its `fromImage`, a push's
   * for the registry of the image in its path, a build every login (its base images may come
   * from anywhere).
   */
  credentials?: 'pull' | 'push' | 'build';
}

/**
 * Every Docker Engine API route Berth lets through, and the one permission each needs. A route not
 * listed is refused to everyone but global administrators.
 */
export const ENGINE_ROUTES: readonly EngineRoute[] = [
  { method: '*', path: '/_ping', permission: 'host.view', owned: 'shared' },
  { method: 'GET', path: '/version', permission: 'host.view', owned: 'shared' },
  { method: 'GET', path: '/info', permission: 'system.info', owned: 'shared' },
  { method: 'GET', path: '/events', permission: 'system.info', answer: 'lines' },
  { method: 'GET', path: '/system/df', permission: 'system.info' },
  { method: 'POST', path: '/auth', permission: 'registry.use', owned: 'shared' },
  { method: 'GET', path: '/distribution/{...}/json', permission: 'image.pull', owned: 'shared' },

  {
    method: 'GET',
    path: '/containers/json',
    permission: 'container.list',
    owned: 'list',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/create',
    permission: 'container.create',
    owned: 'create',
    object: 'container',
    policy: checkContainerCreateWithShares,
    targetQuery: 'name',
  },
  { method: 'POST', path: '/containers/prune', permission: 'container.delete' },
  {
    method: 'GET',
    path: '/containers/{}/json',
    permission: 'container.inspect',
    owned: 'target',
    object: 'container',
    masksSecrets: true,
  },
  {
    method: 'GET',
    path: '/containers/{}/top',
    permission: 'container.inspect',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'GET',
    path: '/containers/{}/changes',
    permission: 'container.inspect',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'GET',
    path: '/containers/{}/logs',
    permission: 'container.logs',
    owned: 'target',
    object: 'container',
    answer: 'lines',
  },
  {
    method: 'GET',
    path: '/containers/{}/stats',
    permission: 'container.stats',
    owned: 'target',
    object: 'container',
    answer: 'lines',
  },
  {
    method: 'GET',
    path: '/containers/{}/export',
    permission: 'container.files',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'GET',
    path: '/containers/{}/archive',
    permission: 'container.files',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'HEAD',
    path: '/containers/{}/archive',
    permission: 'container.files',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'PUT',
    path: '/containers/{}/archive',
    permission: 'container.files',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/start',
    permission: 'container.start',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/restart',
    permission: 'container.start',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/unpause',
    permission: 'container.start',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/stop',
    permission: 'container.stop',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/kill',
    permission: 'container.stop',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/pause',
    permission: 'container.stop',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/wait',
    permission: 'container.inspect',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/resize',
    permission: 'container.exec',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/attach',
    permission: 'container.exec',
    owned: 'target',
    object: 'container',
    upgrade: true,
  },
  {
    method: 'GET',
    path: '/containers/{}/attach/ws',
    permission: 'container.exec',
    owned: 'target',
    object: 'container',
    upgrade: true,
  },
  {
    method: 'POST',
    path: '/containers/{}/exec',
    permission: 'container.exec',
    owned: 'target',
    object: 'container',
    policy: checkExecCreate,
  },
  {
    method: 'POST',
    path: '/containers/{}/rename',
    permission: 'container.update',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/containers/{}/update',
    permission: 'container.update',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'DELETE',
    path: '/containers/{}',
    permission: 'container.delete',
    owned: 'target',
    object: 'container',
  },
  {
    method: 'POST',
    path: '/exec/{}/start',
    permission: 'container.exec',
    owned: 'target',
    object: 'exec',
    upgrade: true,
  },
  {
    method: 'POST',
    path: '/exec/{}/resize',
    permission: 'container.exec',
    owned: 'target',
    object: 'exec',
  },
  {
    method: 'GET',
    path: '/exec/{}/json',
    permission: 'container.exec',
    owned: 'target',
    object: 'exec',
  },
  { method: 'POST', path: '/commit', permission: 'image.build' },

  { method: 'GET', path: '/images/json', permission: 'image.list', owned: 'shared' },
  { method: 'GET', path: '/images/search', permission: 'image.list', owned: 'shared' },
  { method: 'GET', path: '/images/get', permission: 'image.list', owned: 'shared' },
  {
    method: 'POST',
    path: '/images/create',
    permission: 'image.pull',
    owned: 'shared',
    answer: 'progress',
    targetQuery: 'fromImage',
    credentials: 'pull',
  },
  {
    method: 'POST',
    path: '/images/load',
    permission: 'image.pull',
    owned: 'shared',
    answer: 'progress',
  },
  { method: 'POST', path: '/images/prune', permission: 'image.delete' },
  {
    method: 'POST',
    path: '/build',
    permission: 'image.build',
    answer: 'progress',
    targetQuery: 't',
    credentials: 'build',
  },
  { method: 'POST', path: '/build/prune', permission: 'image.delete' },
  { method: 'POST', path: '/build/cancel', permission: 'image.build' },
  { method: 'POST', path: '/session', permission: 'image.build', upgrade: true },
  {
    method: 'GET',
    path: '/images/{...}/json',
    permission: 'image.list',
    owned: 'shared',
    masksSecrets: true,
  },
  { method: 'GET', path: '/images/{...}/history', permission: 'image.list', owned: 'shared' },
  { method: 'GET', path: '/images/{...}/get', permission: 'image.list', owned: 'shared' },
  {
    method: 'POST',
    path: '/images/{...}/push',
    permission: 'image.push',
    answer: 'progress',
    credentials: 'push',
  },
  { method: 'POST', path: '/images/{...}/tag', permission: 'image.push' },
  { method: 'DELETE', path: '/images/{...}', permission: 'image.delete' },

  {
    method: 'GET',
    path: '/networks',
    permission: 'network.list',
    owned: 'list',
    object: 'network',
  },
  {
    method: 'POST',
    path: '/networks/create',
    permission: 'network.create',
    owned: 'create',
    object: 'network',
  },
  { method: 'POST', path: '/networks/prune', permission: 'network.delete' },
  {
    method: 'GET',
    path: '/networks/{}',
    permission: 'network.list',
    owned: 'target',
    object: 'network',
  },
  {
    method: 'POST',
    path: '/networks/{}/connect',
    permission: 'network.connect',
    owned: 'connect',
    object: 'network',
  },
  {
    method: 'POST',
    path: '/networks/{}/disconnect',
    permission: 'network.connect',
    owned: 'connect',
    object: 'network',
  },
  {
    method: 'DELETE',
    path: '/networks/{}',
    permission: 'network.delete',
    owned: 'target',
    object: 'network',
  },

  { method: 'GET', path: '/volumes', permission: 'volume.list', owned: 'list', object: 'volume' },
  {
    method: 'POST',
    path: '/volumes/create',
    permission: 'volume.create',
    owned: 'create',
    object: 'volume',
    policy: checkVolumeCreate,
  },
  { method: 'POST', path: '/volumes/prune', permission: 'volume.delete' },
  {
    method: 'GET',
    path: '/volumes/{}',
    permission: 'volume.list',
    owned: 'target',
    object: 'volume',
  },
  {
    method: 'DELETE',
    path: '/volumes/{}',
    permission: 'volume.delete',
    owned: 'target',
    object: 'volume',
  },

  { method: 'GET', path: '/plugins', permission: 'plugin.list', owned: 'shared' },
  { method: 'GET', path: '/plugins/privileges', permission: 'plugin.list', owned: 'shared' },
  {
    method: 'POST',
    path: '/plugins/pull',
    permission: 'plugin.install',
    answer: 'progress',
    targetQuery: 'name',
  },
  { method: 'POST', path: '/plugins/create', permission: 'plugin.install' },
  { method: 'GET', path: '/plugins/{...}/json', permission: 'plugin.list', owned: 'shared' },
  { method: 'POST', path: '/plugins/{...}/enable', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/{...}/disable', permission: 'plugin.install' },
  {
    method: 'POST',
    path: '/plugins/{...}/upgrade',
    permission: 'plugin.install',
    answer: 'progress',
  },
  { method: 'POST', path: '/plugins/{...}/push', permission: 'plugin.install' },
  { method: 'POST', path: '/plugins/{...}/set', permission: 'plugin.install' },
  { method: 'DELETE', path: '/plugins/{...}', permission: 'plugin.install' },

  // The answer holds the join tokens: only for those who may manage the swarm.
  { method: 'GET', path: '/swarm', permission: 'swarm.manage' },
  { method: 'GET', path: '/swarm/unlockkey', permission: 'swarm.manage' },
  { method: 'POST', path: '/swarm/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/nodes', permission: 'swarm.view' },
  { method: 'GET', path: '/nodes/{}', permission: 'swarm.view' },
  { method: 'POST', path: '/nodes/{}/update', permission: 'swarm.manage' },
  { method: 'DELETE', path: '/nodes/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/services', permission: 'swarm.view' },
  { method: 'POST', path: '/services/create', permission: 'swarm.manage' },
  { method: 'GET', path: '/services/{}', permission: 'swarm.view' },
  { method: 'GET', path: '/services/{}/logs', permission: 'container.logs', answer: 'lines' },
  { method: 'POST', path: '/services/{}/update', permission: 'swarm.manage' },
  { method: 'DELETE', path: '/services/{}', permission: 'swarm.manage' },
  { method: 'GET', path: '/tasks', permission: 'swarm.view' },
  { method: 'GET', path: '/tasks/{}', permission: 'swarm.view' },
  { method: 'GET', path: '/tasks/{}/logs', permission: 'container.logs', answer: 'lines' },
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

interface CompiledRoute {
  route: EngineRoute;
  /** The path pattern; its one group is what the path names (`{}` or `{...}`). */
  pattern: RegExp;
  exact: boolean;
}

/** A route's path pattern as a regular expression; its one group is what `{}` or `{...}` matched. */
export function routePattern(path: string): RegExp {
  return new RegExp(
    `^${path
      .split(/(\{\}|\{\.\.\.\})/)
      .map((part) =>
        part === '{}'
          ? '([^/]+)'
          : part === '{...}'
            ? '(.+)'
            : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  );
}

const COMPILED: CompiledRoute[] = ENGINE_ROUTES.map((route) => ({
  route,
  exact: !route.path.includes('{'),
  pattern: routePattern(route.path),
}));

/** A call's catalog entry, and what its path names (a container id, an image name…) if anything. */
export interface RouteMatch {
  route: EngineRoute;
  named: string | null;
}

/**
 * The catalog as the gateway searches it, once per method: exact paths in one map (the first
 * listed wins, as in a scan of the list), then the patterns in list order. Every proxied call is
 * matched, so a call does not try the hundred patterns of other methods.
 */
interface MethodIndex {
  exact: Map<string, EngineRoute>;
  patterns: CompiledRoute[];
}

function indexFor(method: string): MethodIndex {
  const exact = new Map<string, EngineRoute>();
  const patterns: CompiledRoute[] = [];
  for (const compiled of COMPILED) {
    if (compiled.route.method !== '*' && compiled.route.method !== method) continue;
    if (!compiled.exact) patterns.push(compiled);
    else if (!exact.has(compiled.route.path)) exact.set(compiled.route.path, compiled.route);
  }
  return { exact, patterns };
}

const METHODS: readonly Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
const BY_METHOD = new Map(METHODS.map((method) => [method as string, indexFor(method)]));
/** Methods the catalog does not name reach only its `*` routes. */
const OTHER_METHODS = indexFor('*');

/** The catalog entry of a call, or null for a route outside the catalog. Exact paths win over patterns. */
export function matchEngineRoute(method: string, path: string): RouteMatch | null {
  const index = BY_METHOD.get(method.toUpperCase()) ?? OTHER_METHODS;
  const exact = index.exact.get(path);
  if (exact) return { route: exact, named: null };
  for (const compiled of index.patterns) {
    const match = compiled.pattern.exec(path);
    if (match) return { route: compiled.route, named: match[1] ?? null };
  }
  return null;
}

export function engineRouteFor(method: string, path: string): EngineRoute | null {
  return matchEngineRoute(method, path)?.route ?? null;
}

/** The permission a call needs, or null for a route outside the catalog. */
export function permissionFor(method: string, path: string): Permission | null {
  return engineRouteFor(method, path)?.permission ?? null;
}

/** The object a call acts on, for the audit record: a container, image, network… id or name. */
export function targetOf(match: RouteMatch | null, query: URLSearchParams): string | null {
  if (!match) return null;
  const key = match.route.targetQuery;
  if (!key) return match.named;
  const named = query.get(key);
  const tag = query.get('tag');
  return named && tag ? `${named}:${tag}` : named;
}
