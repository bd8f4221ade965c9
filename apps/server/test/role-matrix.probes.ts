import type {
  ErrorBody,
  ErrorCode,
  Permission,
  SocketResult,
  TBulkContainerResponse,
  TContainerListResponse,
  TCreateContainerResponse,
  THostPolicy,
  TStackDeployResponse,
  TStackList,
} from '@berth/shared';
import type { Channel } from './role-matrix.js';
import type {
  Account,
  Client,
  MatrixWorld,
  Target,
  TargetKind,
  Whose,
} from './role-matrix.world.js';
import { type ApiAnswer, waitFor } from './support/berth.js';
import { type CliResult, docker, gatewayHost } from './support/docker-cli.js';
import { rawRequest } from './support/raw-http.js';

/** What one call came to. */
export type Seen =
  | { kind: 'allowed'; listing?: Listing; labels?: Record<string, string> }
  | { kind: 'refused'; missing: string | null }
  | { kind: 'hidden' }
  | { kind: 'unexpected'; detail: string };

/** A list answer: what it showed, and which of the owners' objects it should or should not show. */
export interface Listing {
  listed: string[];
  mine: string[];
  theirs: string[];
}

/**
 * One way to exercise a permission. `on` says what it acts on: a target of that kind (the
 * standard user's own, or a stranger's), a list (judged by whose objects it shows), a create
 * (judged by the owner labels of what it made), or the host as a whole.
 */
export interface Probe {
  permission: Permission;
  channel: Channel;
  /** The call as a person would write it; it names the result in the cell's test. */
  name: string;
  on: TargetKind | 'list' | 'create' | 'host';
  /** Permissions the route checks before this one; the probe runs where the matrix grants them. */
  after?: Permission[];
  run(world: MatrixWorld, as: Account, target: Target | null, whose: Whose): Promise<Seen>;
}

// ------------------------------------------------------------------ verdicts ----

/**
 * Berth answers every REST error itself; `engine` lists the statuses that are the engine's own
 * verdict once Berth let the call through (a conflict on a container that is not running…).
 */
function fromRest(answer: ApiAnswer, engine: number[] = []): Seen {
  if (answer.status < 400 || engine.includes(answer.status)) return { kind: 'allowed' };
  return berthRefusal(answer) ?? unexpected(answer);
}

/** Berth's own errors carry `error.code`; the engine's carry only `message`. */
function fromGateway(answer: ApiAnswer, engine: number[] = []): Seen {
  if (answer.status < 400) return { kind: 'allowed' };
  const refusal = berthRefusal(answer);
  if (refusal) return refusal;
  const fromEngine = !(answer.body as Partial<ErrorBody> | null)?.error;
  return fromEngine && engine.includes(answer.status) ? { kind: 'allowed' } : unexpected(answer);
}

function berthRefusal(answer: ApiAnswer): Seen | null {
  const error = (answer.body as Partial<ErrorBody> | null)?.error;
  if (answer.status === 403 && error?.code === 'FORBIDDEN') {
    const missing = error.details?.missing;
    return { kind: 'refused', missing: typeof missing === 'string' ? missing : null };
  }
  if (answer.status === 404 && error?.code === 'NOT_FOUND') return { kind: 'hidden' };
  return null;
}

function unexpected(answer: ApiAnswer): Seen {
  return { kind: 'unexpected', detail: `${answer.status} ${JSON.stringify(answer.body)}` };
}

/** `… needs permission container.create …`: a catalog name is two dotted words. */
const PERMISSION_NAMED = /permission ([a-z-]+\.[a-z-]+)/;

/** socket.io answers name the missing permission in the message only. */
function fromSocket(result: SocketResult<unknown>, engine: ErrorCode[] = []): Seen {
  if (result.ok || engine.includes(result.error.code)) return { kind: 'allowed' };
  return fromError(result.error);
}

function fromError(error: { code: string; message: string }): Seen {
  if (error.code === 'FORBIDDEN') {
    return { kind: 'refused', missing: PERMISSION_NAMED.exec(error.message)?.[1] ?? null };
  }
  if (error.code === 'NOT_FOUND') return { kind: 'hidden' };
  return { kind: 'unexpected', detail: JSON.stringify(error) };
}

function fromCli(result: CliResult): Seen {
  if (result.code === 0) return { kind: 'allowed' };
  const missing = PERMISSION_NAMED.exec(result.stderr)?.[1];
  if (missing) return { kind: 'refused', missing };
  if (/No such container/.test(result.stderr)) return { kind: 'hidden' };
  return { kind: 'unexpected', detail: result.stderr.trim() };
}

// ------------------------------------------------------------------- calls ----

function rest(world: MatrixWorld, as: Account, method: string, path: string, body?: unknown) {
  return world.berth.api(method, path.replace(':host', world.hostId), {
    token: as.token,
    ...(body === undefined ? {} : { body }),
  });
}

function engine(world: MatrixWorld, as: Account, method: string, path: string, body?: unknown) {
  return rest(world, as, method, `/api/hosts/:host/docker/v1.41${path}`, body);
}

/**
 * How a body-carrying gateway call is sent: as a client would, with upgrade headers (which must not
 * let it skip a check), or with every key of its body given twice (a `null` first, the real value
 * last: what is checked must be what the engine reads).
 */
type Variant = 'plain' | 'upgrade headers' | 'keys given twice';
const VARIANTS: readonly Variant[] = ['plain', 'upgrade headers', 'keys given twice'];

function named(name: string, variant: Variant): string {
  return variant === 'plain' ? name : `${name} (${variant})`;
}

function send(
  world: MatrixWorld,
  as: Account,
  method: string,
  path: string,
  body: Record<string, unknown>,
  variant: Variant,
): Promise<ApiAnswer> {
  switch (variant) {
    case 'plain':
      return engine(world, as, method, path, body);
    case 'upgrade headers':
      return rawEngine(world, as, method, path, JSON.stringify(body), {
        Connection: 'Upgrade',
        Upgrade: 'tcp',
      });
    case 'keys given twice': {
      const decoys = Object.keys(body).map((key) => `${JSON.stringify(key)}:null`);
      const text = `{${decoys.join(',')},${JSON.stringify(body).slice(1)}`;
      return rawEngine(world, as, method, path, text, { Connection: 'close' });
    }
  }
}

/** A gateway call written by hand, for headers and bodies fetch will not send. */
function rawEngine(
  world: MatrixWorld,
  as: Account,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<ApiAnswer> {
  return rawRequest(world.berth.url, {
    method,
    path: `/api/hosts/${world.hostId}/docker/v1.41${path}`,
    headers: { Authorization: `Bearer ${as.token}`, ...headers },
    body,
  });
}

function cli(world: MatrixWorld, as: Account, args: string[]): Promise<CliResult> {
  return docker({ host: gatewayHost(world.berth.url, world.hostId), token: as.token }, args);
}

/** Subscribes, then ends the subscription it got. */
async function subscribe(
  client: Client,
  emit: () => Promise<SocketResult<{ subscriptionId: string }>>,
  engineCodes: ErrorCode[] = [],
): Promise<Seen> {
  const result = await emit();
  if (result.ok)
    await client.emitWithAck('unsubscribe', { subscriptionId: result.data.subscriptionId });
  return fromSocket(result, engineCodes);
}

async function labelsOf(
  world: MatrixWorld,
  kind: Kind,
  id: string,
): Promise<Record<string, string>> {
  switch (kind) {
    case 'container':
      return (await world.engine.getContainer(id).inspect()).Config.Labels ?? {};
    case 'network':
      return (
        ((await world.engine.getNetwork(id).inspect()) as { Labels?: Record<string, string> })
          .Labels ?? {}
      );
    case 'volume':
      return (await world.engine.getVolume(id).inspect()).Labels ?? {};
  }
}

/** A create answered by Berth or the engine, with the owner labels of what it made. */
async function created(
  world: MatrixWorld,
  seen: Seen,
  kind: Kind,
  id: string | undefined,
): Promise<Seen> {
  if (seen.kind !== 'allowed' || !id) return seen;
  const labels = await labelsOf(world, kind, id);
  // The engine's default address pools hold about thirty networks: give each back at once.
  if (kind === 'network') await world.engine.getNetwork(id).remove();
  return { kind: 'allowed', labels };
}

const MISSING_IMAGE = 'berth-matrix-missing';

// ------------------------------------------------------------------ probes ----

const restProbes: Probe[] = [
  {
    permission: 'host.manage',
    channel: 'rest',
    name: 'GET /api/hosts/:host/policy',
    on: 'host',
    run: async (w, as) => fromRest(await rest(w, as, 'GET', '/api/hosts/:host/policy')),
  },
  {
    permission: 'host.manage',
    channel: 'rest',
    name: 'PUT /api/hosts/:host/policy (unchanged)',
    on: 'host',
    run: async (w, as) => {
      const current = await w.berth.api<THostPolicy>('GET', `/api/hosts/${w.hostId}/policy`, {
        token: w.adminToken,
      });
      return fromRest(await rest(w, as, 'PUT', '/api/hosts/:host/policy', current.body));
    },
  },
  {
    permission: 'container.list',
    channel: 'rest',
    name: 'GET /api/containers?hostId=:host',
    on: 'list',
    run: async (w, as) => {
      const answer = await rest(w, as, 'GET', `/api/containers?hostId=:host&limit=500`);
      const seen = fromRest(answer);
      if (seen.kind !== 'allowed') return seen;
      const listed = (answer.body as TContainerListResponse).items.map((item) => item.id);
      return { kind: 'allowed', listing: { listed, ...w.listed('container') } };
    },
  },
  ...(['json', 'changes'] as const).map((what): Probe => ({
    permission: 'container.inspect',
    channel: 'rest',
    name: `GET /api/hosts/:host/containers/:id/${what}`,
    on: 'idle',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'GET', `/api/hosts/:host/containers/${target!.id}/${what}`)),
  })),
  {
    permission: 'container.inspect',
    channel: 'rest',
    name: 'GET /api/hosts/:host/containers/:id/top',
    on: 'running',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'GET', `/api/hosts/:host/containers/${target!.id}/top`)),
  },
  {
    permission: 'container.logs',
    channel: 'rest',
    name: 'GET /api/hosts/:host/containers/:id/logs (download)',
    on: 'idle',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'GET', `/api/hosts/:host/containers/${target!.id}/logs?tail=1`)),
  },
  {
    permission: 'container.create',
    channel: 'rest',
    name: 'POST /api/hosts/:host/containers',
    on: 'create',
    run: async (w, as) => {
      const answer = await rest(w, as, 'POST', '/api/hosts/:host/containers', {
        image: w.image,
        name: w.name('rest-create'),
        cmd: ['true'],
        labels: { 'test.run': w.run },
        start: false,
        pull: 'never',
      });
      return created(
        w,
        fromRest(answer),
        'container',
        (answer.body as TCreateContainerResponse).id,
      );
    },
  },
  {
    permission: 'image.pull',
    channel: 'rest',
    name: 'POST /api/hosts/:host/containers (pull always)',
    on: 'host',
    after: ['container.create'],
    // The registry wants credentials Berth does not hold here: the pull itself fails, after
    // Berth let it through.
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'POST', '/api/hosts/:host/containers', {
          image: `127.0.0.1:5000/${MISSING_IMAGE}:none`,
          labels: { 'test.run': w.run },
          start: false,
          pull: 'always',
        }),
        [400, 502],
      ),
  },
  // On a container that was never started, unpause, kill and pause are the engine's 409 and stop
  // changes nothing; start and restart act on a container made for the call.
  lifecycle('container.start', 'start', 'fresh'),
  lifecycle('container.start', 'restart?t=0', 'fresh'),
  lifecycle('container.start', 'unpause', 'idle', [409, 502]),
  lifecycle('container.stop', 'stop?t=0', 'idle'),
  lifecycle('container.stop', 'kill', 'idle', [409]),
  lifecycle('container.stop', 'pause', 'idle', [409]),
  {
    permission: 'container.stop',
    channel: 'rest',
    name: 'POST /api/containers/bulk {action: stop}',
    on: 'idle',
    run: async (w, as, target) => {
      const answer = await rest(w, as, 'POST', '/api/containers/bulk', {
        action: 'stop',
        t: 0,
        items: [{ hostId: w.hostId, id: target!.id }],
      });
      if (answer.status !== 200) return unexpected(answer);
      const [result] = (answer.body as TBulkContainerResponse).results;
      return result?.ok
        ? { kind: 'allowed' }
        : fromError(result?.error ?? { code: '', message: '' });
    },
  },
  {
    permission: 'container.update',
    channel: 'rest',
    name: 'POST /api/hosts/:host/containers/:id/rename',
    on: 'fresh',
    run: async (w, as, target) =>
      fromRest(
        await rest(w, as, 'POST', `/api/hosts/:host/containers/${target!.id}/rename`, {
          name: w.name('renamed'),
        }),
      ),
  },
  {
    permission: 'container.update',
    channel: 'rest',
    name: 'POST /api/hosts/:host/containers/:id/update',
    on: 'fresh',
    run: async (w, as, target) =>
      fromRest(
        await rest(w, as, 'POST', `/api/hosts/:host/containers/${target!.id}/update`, {
          cpuShares: 512,
        }),
      ),
  },
  {
    permission: 'container.delete',
    channel: 'rest',
    name: 'DELETE /api/hosts/:host/containers/:id',
    on: 'fresh',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'DELETE', `/api/hosts/:host/containers/${target!.id}`)),
  },
];

/** The network and volume REST routes of one host. */
const resourceProbes: Probe[] = [
  {
    permission: 'network.list',
    channel: 'rest',
    name: 'GET /api/hosts/:host/networks/:id',
    on: 'network',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'GET', `/api/hosts/:host/networks/${target!.id}`)),
  },
  {
    permission: 'network.create',
    channel: 'rest',
    name: 'POST /api/hosts/:host/networks',
    on: 'create',
    run: async (w, as) => {
      const answer = await rest(w, as, 'POST', '/api/hosts/:host/networks', {
        name: w.name('rest-net'),
        labels: { 'test.run': w.run },
      });
      return created(w, fromRest(answer), 'network', (answer.body as { id?: string }).id);
    },
  },
  {
    permission: 'network.connect',
    channel: 'rest',
    name: 'POST /api/hosts/:host/networks/:id/connect',
    on: 'fresh-network',
    run: async (w, as, target, whose) => {
      const container = await w.target('fresh', whose);
      const path = `/api/hosts/:host/networks/${target!.id}/connect`;
      const answer = await rest(w, as, 'POST', path, { container: container.id });
      await w.engine.getNetwork(target!.id).remove();
      return fromRest(answer);
    },
  },
  {
    permission: 'network.delete',
    channel: 'rest',
    name: 'DELETE /api/hosts/:host/networks/:id',
    on: 'fresh-network',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'DELETE', `/api/hosts/:host/networks/${target!.id}`)),
  },
  {
    permission: 'volume.list',
    channel: 'rest',
    name: 'GET /api/hosts/:host/volumes/:name',
    on: 'volume',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'GET', `/api/hosts/:host/volumes/${target!.id}`)),
  },
  {
    permission: 'volume.create',
    channel: 'rest',
    name: 'POST /api/hosts/:host/volumes',
    on: 'create',
    run: async (w, as) => {
      const name = w.name('rest-vol');
      const answer = await rest(w, as, 'POST', '/api/hosts/:host/volumes', {
        name,
        labels: { 'test.run': w.run },
      });
      return created(w, fromRest(answer), 'volume', name);
    },
  },
  {
    permission: 'volume.delete',
    channel: 'rest',
    name: 'DELETE /api/hosts/:host/volumes/:name',
    on: 'fresh-volume',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'DELETE', `/api/hosts/:host/volumes/${target!.id}`)),
  },
  {
    permission: 'volume.browse',
    channel: 'rest',
    name: 'GET /api/hosts/:host/volumes/:name/files?path=/',
    on: 'volume',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'GET', `/api/hosts/:host/volumes/${target!.id}/files?path=/`)),
  },
];

/** A compose file the server refuses before anything is stored or deployed. */
const BROKEN_COMPOSE = 'services:\n  app:\n    image: [\n';

/** 400 COMPOSE_INVALID: the caller was let through to the compose file, which was refused. */
function composeChecked(answer: ApiAnswer): Seen {
  const error = (answer.body as Partial<ErrorBody> | null)?.error;
  if (answer.status === 400 && error?.code === 'COMPOSE_INVALID') return { kind: 'allowed' };
  return fromRest(answer);
}

/** The stack routes: stacks are deployed through Berth by their owners (`MatrixWorld.stack`). */
const stackProbes: Probe[] = [
  {
    permission: 'stack.list',
    channel: 'rest',
    name: 'GET /api/stacks?hostId=:host',
    on: 'list',
    run: async (w, as) => {
      const answer = await rest(w, as, 'GET', '/api/stacks?hostId=:host');
      const seen = fromRest(answer);
      if (seen.kind !== 'allowed') return seen;
      const listed = (answer.body as TStackList).items.map((stack) => stack.id);
      return { kind: 'allowed', listing: { listed, ...w.listed('stack') } };
    },
  },
  {
    permission: 'stack.list',
    channel: 'rest',
    name: 'GET /api/stacks/:id',
    on: 'stack',
    run: async (w, as, target) => fromRest(await rest(w, as, 'GET', `/api/stacks/${target!.id}`)),
  },
  {
    permission: 'stack.list',
    channel: 'rest',
    name: 'POST /api/stacks/:id/plan',
    on: 'stack',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'POST', `/api/stacks/${target!.id}/plan`, {})),
  },
  {
    permission: 'stack.deploy',
    channel: 'rest',
    name: 'POST /api/hosts/:host/stacks',
    on: 'create',
    run: async (w, as) => {
      const name = w.name('stack-new');
      const answer = await rest(w, as, 'POST', '/api/hosts/:host/stacks', {
        name,
        compose: w.composeFile(),
      });
      const seen = fromRest(answer);
      if (seen.kind !== 'allowed') return seen;
      const { id } = answer.body as TStackDeployResponse;
      await w.deployed(id);
      const [container] = await w.engine.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${name}`] },
      });
      await w.removeStack(id);
      if (!container) return { kind: 'unexpected', detail: `stack ${name} made no container` };
      return { kind: 'allowed', labels: container.Labels };
    },
  },
  {
    permission: 'stack.deploy',
    channel: 'rest',
    name: 'PUT /api/stacks/:id (a compose file that does not load)',
    on: 'stack',
    run: async (w, as, target) =>
      composeChecked(
        await rest(w, as, 'PUT', `/api/stacks/${target!.id}`, { compose: BROKEN_COMPOSE }),
      ),
  },
  {
    permission: 'stack.delete',
    channel: 'rest',
    name: 'DELETE /api/stacks/:id',
    on: 'fresh-stack',
    run: async (w, as, target) =>
      fromRest(await rest(w, as, 'DELETE', `/api/stacks/${target!.id}`)),
  },
];

/** The image REST routes of one host; images belong to nobody, so every probe acts on the host. */
const imageProbes: Probe[] = [
  {
    permission: 'image.list',
    channel: 'rest',
    name: 'GET /api/hosts/:host/images/:image/history',
    on: 'host',
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'GET', `/api/hosts/:host/images/${encodeURIComponent(w.image)}/history`),
      ),
  },
  {
    permission: 'image.push',
    channel: 'rest',
    name: 'POST /api/hosts/:host/images/:image/tag',
    on: 'host',
    run: async (w, as) => {
      const reference = `${w.name('rest-tag')}:1`;
      const path = `/api/hosts/:host/images/${encodeURIComponent(w.image)}/tag`;
      const seen = fromRest(await rest(w, as, 'POST', path, { reference }));
      if (seen.kind === 'allowed') await w.engine.getImage(reference).remove();
      return seen;
    },
  },
  {
    permission: 'image.build',
    channel: 'rest',
    name: 'POST /api/hosts/:host/images/build/git (a repository nothing answers for)',
    on: 'host',
    // Allowed: Berth tries the fetch, which fails on the URL; nothing reaches the engine.
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'POST', '/api/hosts/:host/images/build/git', {
          tags: [`${w.name('rest-build')}:1`],
          git: { url: 'http://127.0.0.1:9/none.git' },
        }),
        [400],
      ),
  },
  {
    permission: 'image.delete',
    channel: 'rest',
    name: 'POST /api/hosts/:host/images/prune (only images of a label no image has)',
    on: 'host',
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'POST', '/api/hosts/:host/images/prune', {
          mode: 'unused',
          labels: [`berth-matrix-none=${w.run}`],
        }),
      ),
  },
];

/** Plugins and the host's storage belong to nobody: these act on the host. */
const hostProbes: Probe[] = [
  // Host a is no swarm manager: a caller the permission lets through is told so (409).
  {
    permission: 'swarm.view',
    channel: 'rest',
    name: 'GET /api/hosts/:host/swarm/nodes (409 NOT_A_SWARM_MANAGER once allowed)',
    on: 'host',
    run: async (w, as) => fromRest(await rest(w, as, 'GET', '/api/hosts/:host/swarm/nodes'), [409]),
  },
  {
    permission: 'swarm.manage',
    channel: 'rest',
    name: 'POST /api/hosts/:host/services (409 NOT_A_SWARM_MANAGER once allowed)',
    on: 'host',
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'POST', '/api/hosts/:host/services', {
          name: w.name('svc'),
          image: MISSING_IMAGE,
        }),
        [409],
      ),
  },
  {
    permission: 'plugin.list',
    channel: 'rest',
    name: 'GET /api/hosts/:host/plugins',
    on: 'host',
    run: async (w, as) => fromRest(await rest(w, as, 'GET', '/api/hosts/:host/plugins')),
  },
  {
    permission: 'plugin.install',
    channel: 'rest',
    name: 'POST /api/hosts/:host/plugins/:name/configure (a setting no plugin has)',
    on: 'host',
    // The permission is checked before the body: allowed callers get the body's 400 (or the
    // engine's 404 for a plugin that is not there), nothing is installed.
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'POST', `/api/hosts/:host/plugins/${MISSING_IMAGE}/configure`, {
          settings: ['not a setting'],
        }),
        [400, 404],
      ),
  },
  {
    permission: 'system.prune',
    channel: 'rest',
    name: 'GET /api/hosts/:host/prune (preview limited to a label nothing has)',
    on: 'host',
    run: async (w, as) =>
      fromRest(
        await rest(w, as, 'GET', `/api/hosts/:host/prune?label=berth-matrix-none%3D${w.run}`),
      ),
  },
  {
    permission: 'registry.use',
    channel: 'rest',
    name: 'POST /api/images/pull (an image only the stored registry login may read)',
    on: 'host',
    after: ['image.pull'],
    // Allowed: the server adds the stored login and the pull succeeds. Without it the registry
    // refuses the anonymous pull, and the pull fails.
    run: async (w, as) => {
      const reference = await w.privateImage();
      const answer = await rest(w, as, 'POST', '/api/images/pull', {
        reference,
        hostIds: [w.hostId],
      });
      await w.engine
        .getImage(reference)
        .remove()
        .catch(() => undefined);
      if (answer.status === 200) return { kind: 'allowed' };
      return { kind: 'refused', missing: 'registry.use' };
    },
  },
];

function lifecycle(
  permission: Permission,
  action: string,
  on: TargetKind,
  engineStatuses: number[] = [],
): Probe {
  const [verb = '', query] = action.split('?');
  return {
    permission,
    channel: 'rest',
    name: `POST /api/hosts/:host/containers/:id/${action}`,
    on,
    run: async (w, as, target) => {
      const path = `/api/hosts/:host/containers/${target!.id}/${verb}`;
      return fromRest(await rest(w, as, 'POST', query ? `${path}?${query}` : path), engineStatuses);
    },
  };
}

/** One representative Engine API route per permission (a few more for containers). */
const gatewayProbes: Probe[] = [
  hostRoute('host.view', 'GET', '/_ping'),
  listRoute('container.list', '/containers/json?all=1', 'container', (body) =>
    (body as { Id: string }[]).map((c) => c.Id),
  ),
  targetRoute('container.inspect', 'GET', '/containers/{id}/json', 'idle'),
  targetRoute('container.logs', 'GET', '/containers/{id}/logs?stdout=1&stderr=1&tail=1', 'idle'),
  targetRoute(
    'container.stats',
    'GET',
    '/containers/{id}/stats?stream=false&one-shot=true',
    'idle',
  ),
  ...VARIANTS.map((variant) =>
    targetRoute(
      'container.exec',
      'POST',
      '/containers/{id}/exec',
      'running',
      { Cmd: ['true'] },
      variant,
    ),
  ),
  ...VARIANTS.map((variant) =>
    createRoute(
      'container.create',
      '/containers/create',
      'container',
      (w) => ({ Image: w.image, Cmd: ['true'], Labels: { 'test.run': w.run } }),
      variant,
    ),
  ),
  targetRoute('container.start', 'POST', '/containers/{id}/start', 'fresh'),
  targetRoute('container.stop', 'POST', '/containers/{id}/stop?t=0', 'idle'),
  targetRoute('container.update', 'POST', '/containers/{id}/update', 'idle', {}),
  targetRoute('container.delete', 'DELETE', '/containers/{id}', 'fresh'),
  targetRoute('container.files', 'GET', '/containers/{id}/archive?path=/bin/sh', 'idle'),
  hostRoute('image.list', 'GET', '/images/json'),
  hostRoute(
    'image.pull',
    'POST',
    `/images/create?fromImage=127.0.0.1:5000/${MISSING_IMAGE}&tag=none`,
    [404, 500],
  ),
  hostRoute('image.build', 'POST', '/build', [400, 500]),
  hostRoute('image.push', 'POST', `/images/${MISSING_IMAGE}/push`, [400, 404]),
  hostRoute('image.delete', 'DELETE', `/images/${MISSING_IMAGE}:none`, [404]),
  listRoute('network.list', '/networks', 'network', (body) =>
    (body as { Id: string }[]).map((n) => n.Id),
  ),
  ...VARIANTS.map((variant) =>
    createRoute(
      'network.create',
      '/networks/create',
      'network',
      (w) => ({ Name: w.name('gw-net'), Labels: { 'test.run': w.run } }),
      variant,
    ),
  ),
  ...VARIANTS.map((variant): Probe => ({
    permission: 'network.connect',
    channel: 'gateway',
    name: named('POST /networks/{id}/connect', variant),
    on: 'fresh-network',
    run: async (w, as, target, whose) => {
      const container = await w.target('fresh', whose);
      const path = `/networks/${target!.id}/connect`;
      const answer = await send(w, as, 'POST', path, { Container: container.id }, variant);
      await w.engine.getNetwork(target!.id).remove();
      return fromGateway(answer);
    },
  })),
  targetRoute('network.delete', 'DELETE', '/networks/{id}', 'fresh-network'),
  listRoute('volume.list', '/volumes', 'volume', (body) =>
    ((body as { Volumes: { Name: string }[] | null }).Volumes ?? []).map((v) => v.Name),
  ),
  ...VARIANTS.map((variant) =>
    createRoute(
      'volume.create',
      '/volumes/create',
      'volume',
      (w) => ({ Name: w.name('gw-vol'), Labels: { 'test.run': w.run } }),
      variant,
    ),
  ),
  targetRoute('volume.delete', 'DELETE', '/volumes/{id}', 'fresh-volume'),
  hostRoute('plugin.list', 'GET', '/plugins'),
  hostRoute('plugin.install', 'DELETE', `/plugins/${MISSING_IMAGE}`, [404]),
  hostRoute('system.info', 'GET', '/info'),
  // Host a is no swarm manager: the engine answers 503 once Berth lets the call through.
  hostRoute('swarm.view', 'GET', '/nodes', [503]),
  // The swarm's answer holds its join tokens: only for those who may manage it.
  hostRoute('swarm.manage', 'GET', '/swarm', [503]),
  hostRoute('swarm.manage', 'DELETE', `/secrets/${MISSING_IMAGE}`, [404, 503]),
  hostRoute('registry.use', 'POST', '/auth', [401, 500], {
    username: 'nobody',
    password: 'wrong',
    serveraddress: '127.0.0.1:5999',
  }),
];

type Kind = 'container' | 'network' | 'volume';

/** A list route, judged by whose shared objects its answer shows. */
function listRoute(
  permission: Permission,
  path: string,
  kind: Kind,
  idsOf: (body: unknown) => string[],
): Probe {
  return {
    permission,
    channel: 'gateway',
    name: `GET ${path}`,
    on: 'list',
    run: async (w, as) => {
      const answer = await engine(w, as, 'GET', path);
      const seen = fromGateway(answer);
      if (seen.kind !== 'allowed') return seen;
      return { kind: 'allowed', listing: { listed: idsOf(answer.body), ...w.listed(kind) } };
    },
  };
}

/** A create route, judged by the owner labels of what it made (the engine answers its id). */
function createRoute(
  permission: Permission,
  path: string,
  kind: Kind,
  body: (world: MatrixWorld) => Record<string, unknown>,
  variant: Variant = 'plain',
): Probe {
  return {
    permission,
    channel: 'gateway',
    name: named(`POST ${path}`, variant),
    on: 'create',
    run: async (w, as) => {
      const made = body(w);
      // Containers are named in the query, networks and volumes in the body.
      const query = kind === 'container' ? `?name=${w.name('gw-create')}` : '';
      const answer = await send(w, as, 'POST', `${path}${query}`, made, variant);
      const id = kind === 'volume' ? (made.Name as string) : (answer.body as { Id?: string }).Id;
      return created(w, fromGateway(answer), kind, id);
    },
  };
}

function hostRoute(
  permission: Permission,
  method: string,
  path: string,
  engineStatuses: number[] = [],
  body?: unknown,
): Probe {
  return {
    permission,
    channel: 'gateway',
    name: `${method} ${path}`,
    on: 'host',
    run: async (w, as) => fromGateway(await engine(w, as, method, path, body), engineStatuses),
  };
}

function targetRoute(
  permission: Permission,
  method: string,
  path: string,
  on: TargetKind,
  body?: Record<string, unknown>,
  variant: Variant = 'plain',
): Probe {
  return {
    permission,
    channel: 'gateway',
    name: named(`${method} ${path}`, variant),
    on,
    run: async (w, as, target) => {
      const route = path.replace('{id}', target!.id);
      return fromGateway(
        body === undefined
          ? await engine(w, as, method, route)
          : await send(w, as, method, route, body, variant),
      );
    },
  };
}

/** The real docker CLI through the gateway. */
const cliProbes: Probe[] = [
  {
    permission: 'container.list',
    channel: 'gateway',
    name: 'docker ps -a',
    on: 'list',
    run: async (w, as) => {
      const result = await cli(w, as, ['ps', '-a', '--no-trunc', '--format', '{{.ID}}']);
      const seen = fromCli(result);
      if (seen.kind !== 'allowed') return seen;
      const listed = result.stdout.split('\n').filter(Boolean);
      return { kind: 'allowed', listing: { listed, ...w.listed('container') } };
    },
  },
  {
    permission: 'container.create',
    channel: 'gateway',
    name: 'docker run -d',
    on: 'create',
    run: async (w, as) => {
      const name = w.name('cli-run');
      const result = await cli(w, as, [
        'run',
        '-d',
        '--name',
        name,
        '--label',
        `test.run=${w.run}`,
        w.image,
        'sleep',
        '600',
      ]);
      return created(w, fromCli(result), 'container', result.code === 0 ? name : undefined);
    },
  },
  {
    permission: 'container.stop',
    channel: 'gateway',
    name: 'docker stop',
    on: 'idle',
    run: async (w, as, target) => fromCli(await cli(w, as, ['stop', '-t', '0', target!.name])),
  },
  {
    permission: 'container.delete',
    channel: 'gateway',
    name: 'docker rm',
    on: 'fresh',
    run: async (w, as, target) => fromCli(await cli(w, as, ['rm', target!.name])),
  },
];

const socketProbes: Probe[] = [
  {
    permission: 'container.list',
    channel: 'socket',
    name: 'containers.subscribe',
    on: 'list',
    run: async (w, as) => {
      const client = await w.socket(as);
      const seenIds = new Set<string>();
      const onChange = ({ change }: { change: { kind: string; container?: { id: string } } }) => {
        if (change.kind === 'upsert' && change.container) seenIds.add(change.container.id);
      };
      client.on('containers.change', onChange);
      try {
        const result = await client.emitWithAck('containers.subscribe', { hostId: w.hostId });
        if (!result.ok) return fromSocket(result);
        // Changes after subscribing: a stranger's container first, then the standard user's.
        const theirs = await w.container('theirs');
        const mine = await w.container('mine');
        await w.known(theirs.id);
        await w.known(mine.id);
        // Whatever was going to be pushed of the earlier one has been by then.
        await waitFor(() => Promise.resolve(seenIds.has(mine.id)), 5_000, 'my container pushed');
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.emitWithAck('unsubscribe', { subscriptionId: result.data.subscriptionId });
        return {
          kind: 'allowed',
          listing: { listed: [...seenIds], mine: [mine.id], theirs: [theirs.id] },
        };
      } finally {
        client.off('containers.change', onChange);
      }
    },
  },
  {
    permission: 'container.logs',
    channel: 'socket',
    name: 'logs.subscribe',
    on: 'idle',
    run: async (w, as, target) => {
      const client = await w.socket(as);
      return subscribe(client, () =>
        client.emitWithAck('logs.subscribe', {
          hostId: w.hostId,
          containerId: target!.id,
          follow: false,
          tail: 1,
        }),
      );
    },
  },
  {
    permission: 'container.stats',
    channel: 'socket',
    name: 'stats.subscribe',
    on: 'idle',
    run: async (w, as, target) => {
      const client = await w.socket(as);
      return subscribe(client, () =>
        client.emitWithAck('stats.subscribe', { hostId: w.hostId, containerId: target!.id }),
      );
    },
  },
  {
    permission: 'container.stats',
    channel: 'socket',
    name: 'host-stats.subscribe',
    on: 'host',
    run: async (w, as) => {
      const client = await w.socket(as);
      return subscribe(client, () =>
        client.emitWithAck('host-stats.subscribe', { hostId: w.hostId }),
      );
    },
  },
  consoleProbe('console.exec'),
  consoleProbe('console.attach'),
  {
    permission: 'system.info',
    channel: 'socket',
    name: 'events.subscribe',
    on: 'host',
    run: async (w, as) => {
      const client = await w.socket(as);
      return subscribe(client, () => client.emitWithAck('events.subscribe', { hostId: w.hostId }));
    },
  },
];

/** Opens an exec or attach console on a running container, and closes it again. */
function consoleProbe(event: 'console.exec' | 'console.attach'): Probe {
  return {
    permission: 'container.exec',
    channel: 'socket',
    name: event,
    on: 'running',
    run: async (w, as, target) => {
      const client = await w.socket(as);
      const request = { hostId: w.hostId, containerId: target!.id };
      const result =
        event === 'console.exec'
          ? await client.emitWithAck('console.exec', { ...request, cmd: ['true'] })
          : await client.emitWithAck('console.attach', request);
      if (result.ok) client.emit('console.close', { sessionId: result.data.sessionId });
      return fromSocket(result);
    },
  };
}

export const PROBES: readonly Probe[] = [
  ...restProbes,
  ...imageProbes,
  ...hostProbes,
  ...resourceProbes,
  ...stackProbes,
  ...gatewayProbes,
  ...cliProbes,
  ...socketProbes,
];
