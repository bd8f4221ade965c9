import { BERTH_LABELS, goKeys, isJsonObject, jsonList } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import {
  createOwnedVolume,
  isBuiltInNetwork,
  type Owner,
  ownerLabels,
  withinReach,
} from '../access/ownership.js';
import { ContainerAccess } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import type { EnginePath } from './engine-path.js';
import type { OwnedObject, RouteMatch } from './engine-routes.js';

/** What an owner-limited call becomes on its way to the engine. */
export interface OwnedCall {
  /** The path to forward. A checked target is pinned to its full id: the engine acts on it alone. */
  forward: string;
  /** Rewrites (create) or checks (connect) the JSON body; refuses a reference that is not theirs. */
  body?: (body: unknown) => Promise<unknown>;
  /** Filters the engine's JSON answer (lists). */
  answer?: (answer: unknown) => unknown;
}

/**
 * A target that is not the caller's, answered as if it did not exist, as the engine would: its
 * own words (docker clients print them), 404 for the object in the path, 400 for one named in a
 * create body (a 404 there would make the docker CLI go and pull the image). `exists` tells the
 * audit record a refusal from a plain miss.
 */
export class HiddenTarget extends AppError {
  constructor(
    message: string,
    readonly exists: boolean,
    where: Where = 'path',
  ) {
    super(where === 'path' ? 'NOT_FOUND' : 'VALIDATION_FAILED', message);
  }
}

type Where = 'path' | 'body';

type Kind = OwnedObject;

const MISSING: Record<Kind, (ref: string) => string> = {
  container: (ref) => `No such container: ${ref}`,
  network: (ref) => `network ${ref} not found`,
  volume: (ref) => `get ${ref}: no such volume`,
  exec: (ref) => `No such exec instance: ${ref}`,
};

/** HostConfig fields that may be `container:<id>`: sharing that container's namespaces. */
const CONTAINER_MODES = ['NetworkMode', 'PidMode', 'IpcMode', 'Cgroup'];

interface Found {
  id: string;
  labels: Record<string, string>;
  /** An object of the engine's own that nobody owns and everyone uses: bridge, host, none. */
  shared?: boolean;
}

/**
 * The gateway's side of ownership for callers whose grant reaches only what they or their team
 * own: the same owner labels (`berth.owner`, `berth.team`) and the same rule (`withinReach`) as
 * the REST API, applied to raw Engine API calls. Built by `GatewayPolicy`.
 */
export class GatewayOwnership {
  constructor(private readonly containers: ContainerAccess) {}

  /** Checks the call's target now; returns how its body and answer are to be treated. */
  async scope(
    engine: RegisteredEngine,
    { route, named }: RouteMatch,
    path: EnginePath,
    owner: Owner,
  ): Promise<OwnedCall> {
    const use = route.owned!;
    const kind = route.object;
    const ref = named ?? '';
    if (!kind && use !== 'shared') throw new Error(`no owned object for ${route.path}`);
    switch (use) {
      case 'shared':
        return { forward: path.forward };
      case 'list':
        return { forward: path.forward, answer: (answer) => keepOwned(kind!, answer, owner) };
      case 'create':
        return {
          forward: path.forward,
          body: (body) => this.stamp(engine, kind!, body, owner),
        };
      case 'target':
      case 'connect': {
        const found = await this.own(engine, kind!, ref, owner);
        const forward =
          kind === 'container' || kind === 'network' ? pinned(path, found.id) : path.forward;
        if (use === 'target') return { forward };
        return { forward, body: (body) => this.checkConnected(engine, body, owner) };
      }
    }
  }

  /** A create body with the caller's owner labels; a container's references must be theirs too. */
  private async stamp(
    engine: RegisteredEngine,
    kind: Kind,
    body: unknown,
    owner: Owner,
  ): Promise<unknown> {
    if (!isJsonObject(body)) return body;
    if (kind === 'container') await this.checkReferences(engine, body, owner);
    const key = onlyKey(body, 'Labels');
    const given = key === undefined ? {} : body[key];
    const {
      [BERTH_LABELS.owner]: _owner,
      [BERTH_LABELS.team]: _team,
      ...labels
    } = isJsonObject(given) ? given : {};
    const stamped: Record<string, unknown> = { ...body };
    if (key !== undefined) delete stamped[key];
    stamped.Labels = { ...labels, ...ownerLabels(owner.userId, owner.teamIds) };
    return stamped;
  }

  /**
   * Containers whose namespaces, volumes or links a new container would share, named volumes it
   * would mount and networks it would join: each must be the caller's. A volume that does not
   * exist yet is created now with their owner labels (the engine would make it unlabelled, and
   * so hidden from its maker), as the REST API does.
   */
  private async checkReferences(
    engine: RegisteredEngine,
    body: Record<string, unknown>,
    owner: Owner,
  ): Promise<void> {
    const refs = referencesOf(body);
    for (const ref of refs.containers) await this.own(engine, 'container', ref, owner, 'body');
    for (const ref of refs.networks) await this.own(engine, 'network', ref, owner, 'body');
    for (const ref of refs.volumes) {
      const found = await this.resolve(engine, 'volume', ref);
      if (found && !isOwned(found.labels, owner)) {
        throw new HiddenTarget(MISSING.volume(ref), true, 'body');
      }
      if (!found) await createOwnedVolume(engine, ref, owner);
    }
  }

  /** `POST /networks/{id}/connect|disconnect`: the container in the body must be theirs. */
  private async checkConnected(
    engine: RegisteredEngine,
    body: unknown,
    owner: Owner,
  ): Promise<unknown> {
    const container = field(body, 'Container');
    if (typeof container === 'string') await this.own(engine, 'container', container, owner);
    return body;
  }

  /** The object a reference names, when it is the caller's; otherwise it is hidden. */
  private async own(
    engine: RegisteredEngine,
    kind: Kind,
    ref: string,
    owner: Owner,
    where: Where = 'path',
  ): Promise<Found> {
    const found = await this.resolve(engine, kind, ref);
    if (!found) throw new HiddenTarget(MISSING[kind](ref), false, where);
    if (!found.shared && !isOwned(found.labels, owner)) {
      throw new HiddenTarget(MISSING[kind](ref), true, where);
    }
    return found;
  }

  /** Looks an object up by reference; null when the engine has none. An exec counts as its container. */
  private async resolve(engine: RegisteredEngine, kind: Kind, ref: string): Promise<Found | null> {
    const client = engine.client;
    try {
      switch (kind) {
        case 'container': {
          const { id, labels } = await this.containers.lookup(engine, ref);
          return { id, labels };
        }
        case 'exec': {
          const exec = await client.inspectExec(ref);
          const container = await this.containers.lookup(engine, exec.ContainerID);
          return { id: ref, labels: container.labels };
        }
        case 'network': {
          const network = await client.inspectNetwork(ref);
          return {
            id: network.Id,
            labels: network.Labels ?? {},
            shared: isBuiltInNetwork(network.Name),
          };
        }
        case 'volume': {
          const volume = await client.inspectVolume(ref);
          return { id: volume.Name, labels: volume.Labels ?? {} };
        }
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      if (EngineError.from(error).kind === 'not_found') return null;
      throw engineError(error, kind, engine.name);
    }
  }
}

function isOwned(labels: Record<string, string>, owner: Owner): boolean {
  return withinReach(labels, 'owned', owner.userId, owner.teamIds);
}

/** A list answer with only the caller's objects: arrays for containers and networks, `{Volumes}` for volumes. */
function keepOwned(kind: Kind, answer: unknown, owner: Owner): unknown {
  const mine = (item: unknown) =>
    isJsonObject(item) &&
    ((kind === 'network' && isBuiltInNetwork(String(item.Name))) ||
      (isJsonObject(item.Labels) && isOwned(item.Labels as Record<string, string>, owner)));
  if (kind === 'volume') {
    return isJsonObject(answer)
      ? { ...answer, Volumes: jsonList(answer.Volumes).filter(mine) }
      : answer;
  }
  return Array.isArray(answer) ? answer.filter(mine) : answer;
}

/** The forwarded path with the object's segment replaced by its full id. */
function pinned(path: EnginePath, id: string): string {
  const queryAt = path.forward.indexOf('?');
  const rawPath = queryAt < 0 ? path.forward : path.forward.slice(0, queryAt);
  const query = queryAt < 0 ? '' : path.forward.slice(queryAt);
  const segments = rawPath.split('/');
  // ['', 'v1.41', 'containers', '<ref>', …] or ['', 'containers', '<ref>', …]
  const versioned = /^v\d+\.\d+$/.test(decodeURIComponent(segments[1] ?? ''));
  segments[versioned ? 3 : 2] = encodeURIComponent(id);
  return segments.join('/') + query;
}

function referencesOf(body: Record<string, unknown>): {
  containers: string[];
  networks: string[];
  volumes: string[];
} {
  const host = field(body, 'HostConfig');
  const containers: string[] = [];
  const networks: string[] = [];
  const volumes: string[] = [];
  for (const mode of CONTAINER_MODES) {
    const value = field(host, mode);
    if (typeof value !== 'string') continue;
    if (value.startsWith('container:')) containers.push(value.slice('container:'.length));
    else if (mode === 'NetworkMode' && !isBuiltInNetwork(value)) networks.push(value);
  }
  for (const from of strings(field(host, 'VolumesFrom'))) containers.push(from.split(':')[0] ?? '');
  for (const link of strings(field(host, 'Links'))) {
    containers.push((link.split(':')[0] ?? '').replace(/^\//, ''));
  }
  for (const bind of strings(field(host, 'Binds'))) {
    const [source = '', target] = bind.split(':');
    // `name:/path` mounts a named volume; `/host/path:/path` is a bind, the policy's business.
    if (target !== undefined && source !== '' && !/[/\\]/.test(source)) volumes.push(source);
  }
  for (const mount of jsonList(field(host, 'Mounts'))) {
    const type = field(mount, 'Type');
    const source = field(mount, 'Source');
    if (typeof type === 'string' && type.toLowerCase() === 'volume' && typeof source === 'string') {
      if (source !== '') volumes.push(source);
    }
  }
  const endpoints = field(field(body, 'NetworkingConfig'), 'EndpointsConfig');
  if (isJsonObject(endpoints)) {
    networks.push(...Object.keys(endpoints).filter((name) => !isBuiltInNetwork(name)));
  }
  return { containers, networks, volumes };
}

/**
 * A field as the engine reads it: Go's encoding/json matches names case-insensitively, so a name
 * given in two spellings is refused rather than guessed at (as the host policy check does).
 */
function field(value: unknown, name: string): unknown {
  if (!isJsonObject(value)) return undefined;
  const key = onlyKey(value, name);
  return key === undefined ? undefined : value[key];
}

function onlyKey(value: Record<string, unknown>, name: string): string | undefined {
  const keys = goKeys(value, name);
  if (keys.length > 1) {
    throw AppError.validation([
      { path: name, message: `given more than once (${keys.join(', ')})` },
    ]);
  }
  return keys[0];
}

function strings(value: unknown): string[] {
  return jsonList(value).filter((item): item is string => typeof item === 'string');
}
