import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { z } from 'zod';
import { readEngineAnswer } from './engine-answer.js';
import type { EngineConnection, EngineRequest } from './engine-connection.js';
import { EngineError } from './engine-error.js';
import { EngineEvents } from './engine-events.js';
import {
  type EngineExchange,
  type EngineExchangeRequest,
  type ExchangeOutcome,
  exchange,
} from './engine-exchange.js';
import type {
  EngineNode,
  EngineService,
  EngineServiceSpec,
  EngineSwarm,
  EngineTask,
} from './engine-swarm.js';
import { type HijackOutcome, hijackEngine } from './engine-hijack.js';
import {
  type EngineCall,
  openEngineStream,
  openEngineUpgrade,
  readEngineJson,
} from './engine-stream.js';

/** `GET /containers/{id}/changes`: null when nothing changed. */
const ZEngineChanges = z.array(z.object({ Path: z.string(), Kind: z.number() })).nullable();

/** A container lifecycle change, as the REST API and the bulk actions name them. */
export type ContainerAction =
  'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'remove';

export interface ContainerActionOptions {
  t?: number;
  signal?: string;
  force?: boolean;
  volumes?: boolean;
}

/** The container list answer with the fields Berth reads typed (`docker ps`). */
export type EngineContainerInfo = Docker.ContainerInfo;
/** `GET /containers/{id}/json`, typed by dockerode's declarations of the Engine API. */
export type EngineContainerInspect = Docker.ContainerInspectInfo;

/** dockerode passes an abort signal on these calls; its type declarations leave the option out. */
type AbortableCall<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/** `docker info`, as far as the host facts read it. */
export interface EngineInfo {
  /** The engine's own ID, the same by every address it is reached at. */
  ID?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
  Architecture?: string;
  Driver?: string;
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  CgroupVersion?: string;
  Swarm?: {
    LocalNodeState?: string;
    ControlAvailable?: boolean;
    NodeID?: string;
    NodeAddr?: string;
    Error?: string;
    RemoteManagers?: { NodeID?: string; Addr?: string }[] | null;
    Nodes?: number;
    Managers?: number;
    Cluster?: { ID?: string };
  };
}

/**
 * The one way to an engine: every call Berth makes to a host goes through its client. Typed after
 * the Engine API by dockerode's declarations (`@types/dockerode`), and every failure leaves as an
 * `EngineError` whose kind says what happened (not found, conflict, unreachable, TLS, …).
 *
 * Calls made often (the inventory's lists and inspects, streams, hijacked consoles) go over the
 * host's pooled raw connection (`json`, `stream`, `upgrade`): docker-modem runs `util.inspect`
 * over its options on every call. The gateway relays through `request`, untouched. The host's
 * `/events` stream is opened once and shared (`events`).
 */
export class EngineClient {
  readonly events: EngineEvents;
  private readonly docker: Docker;

  /** `timeoutMs`: how long the engine may take to answer the events stream at all. */
  constructor(
    private readonly connection: EngineConnection,
    private readonly timeoutMs: number,
  ) {
    this.docker = connection.docker;
    this.events = new EngineEvents(() => this.stream({ path: '/events', timeoutMs }));
  }

  /** Fingerprint of the host key an SSH engine presented last (null for other kinds). */
  get presentedHostKey(): string | null {
    return this.connection.presentedHostKey;
  }

  /** Pins an SSH engine's host key for every connection opened from now on. */
  pinHostKey(fingerprint: string): void {
    this.connection.pinHostKey(fingerprint);
  }

  close(): void {
    this.events.close('the host was changed or removed');
    this.connection.close();
  }

  // Raw calls over the pooled connection.

  /** An ordinary call relayed as it comes (the gateway), through the host's undici pool. */
  exchange(request: EngineExchangeRequest, outcome: ExchangeOutcome): EngineExchange {
    return exchange(this.connection.dispatcher, request, outcome);
  }

  /** A long-lived answer (logs, stats, pull progress) once the engine said 2xx. */
  stream(call: EngineCall): Promise<IncomingMessage> {
    return openEngineStream(this.connection, call);
  }

  /** A JSON answer read whole; the caller validates what it relies on. */
  json<T>(call: EngineCall): Promise<T> {
    return readEngineJson<T>(this.connection, call);
  }

  /** A hijacked call (exec start, attach): the raw socket once the engine switched protocols. */
  upgrade(call: EngineCall): Promise<{ socket: Duplex; head: Buffer }> {
    return openEngineUpgrade(this.connection, call);
  }

  /** A hijacked call relayed as it comes (the gateway): `hijackEngine` on this host's connection. */
  hijack(
    request: EngineRequest & { body?: Buffer | string | undefined },
    outcome: HijackOutcome,
  ): ClientRequest {
    return hijackEngine(this.connection, request, outcome);
  }

  // Host facts.

  /**
   * `docker info` and `docker version` on a new connection each (see `EngineConnection.fresh`),
   * given up when `signal` aborts.
   */
  async facts(signal: AbortSignal): Promise<{ info: EngineInfo; version: Docker.DockerVersion }> {
    const { fresh } = this.connection;
    const info = fresh.info.bind(fresh) as unknown as AbortableCall<EngineInfo>;
    const version = fresh.version.bind(fresh) as unknown as AbortableCall<Docker.DockerVersion>;
    const [facts, versions] = await classified(
      Promise.all([info({ abortSignal: signal }), version({ abortSignal: signal })]),
    );
    return { info: facts, version: versions };
  }

  info(): Promise<EngineInfo> {
    return classified(this.docker.info() as Promise<EngineInfo>);
  }

  // Containers.

  listContainers(options: Docker.ContainerListOptions = {}): Promise<EngineContainerInfo[]> {
    return classified(this.docker.listContainers(options));
  }

  inspectContainer(ref: string): Promise<EngineContainerInspect> {
    return classified(this.docker.getContainer(ref).inspect());
  }

  /** Creates a container; `name` goes in the query, the rest is the Engine API's create body. */
  async createContainer(body: Docker.ContainerCreateOptions): Promise<{ id: string }> {
    const created = await classified(this.docker.createContainer(body));
    return { id: created.id };
  }

  changeContainer(
    id: string,
    action: ContainerAction,
    o: ContainerActionOptions = {},
  ): Promise<unknown> {
    const target = this.docker.getContainer(id);
    switch (action) {
      case 'start':
        return classified(target.start());
      case 'stop':
        return classified(target.stop(o.t === undefined ? {} : { t: o.t }));
      case 'restart':
        return classified(target.restart(o.t === undefined ? {} : { t: o.t }));
      case 'kill':
        return classified(target.kill(o.signal ? { signal: o.signal } : {}));
      case 'pause':
        return classified(target.pause());
      case 'unpause':
        return classified(target.unpause());
      case 'remove':
        return classified(target.remove({ force: o.force ?? false, v: o.volumes ?? false }));
    }
  }

  renameContainer(id: string, name: string): Promise<unknown> {
    return classified(this.docker.getContainer(id).rename({ name }));
  }

  /** `POST /containers/{id}/update`; the engine's warnings, if it gave any. */
  async updateContainer(id: string, body: Record<string, unknown>): Promise<string[]> {
    const answer = (await classified(this.docker.getContainer(id).update(body))) as
      { Warnings?: string[] | null } | undefined;
    return answer?.Warnings ?? [];
  }

  async topContainer(id: string): Promise<{ Titles?: string[]; Processes?: string[][] }> {
    return (await classified(this.docker.getContainer(id).top())) as {
      Titles?: string[];
      Processes?: string[][];
    };
  }

  /**
   * A container's filesystem changes. An unchanged container's answer is JSON `null`, which
   * docker-modem hands over unparsed (a Buffer); it is read as the JSON it is.
   */
  async containerChanges(id: string): Promise<{ Path: string; Kind: number }[]> {
    const answer: unknown = await classified(this.docker.getContainer(id).changes());
    const value: unknown = Buffer.isBuffer(answer)
      ? JSON.parse(answer.toString('utf8') || 'null')
      : answer;
    return readEngineAnswer(ZEngineChanges, value, 'change list') ?? [];
  }

  resizeContainer(id: string, size: { h: number; w: number }): Promise<unknown> {
    return classified(this.docker.getContainer(id).resize(size));
  }

  // Exec instances.

  async createExec(containerId: string, body: Docker.ExecCreateOptions): Promise<string> {
    const exec = await classified(this.docker.getContainer(containerId).exec(body));
    return exec.id;
  }

  inspectExec(id: string): Promise<Docker.ExecInspectInfo> {
    return classified(this.docker.getExec(id).inspect());
  }

  resizeExec(id: string, size: { h: number; w: number }): Promise<unknown> {
    return classified(this.docker.getExec(id).resize(size));
  }

  // Images, networks, volumes.

  inspectImage(ref: string): Promise<Docker.ImageInspectInfo> {
    return classified(this.docker.getImage(ref).inspect());
  }

  listImages(): Promise<Docker.ImageInfo[]> {
    return classified(this.docker.listImages());
  }

  listNetworks(): Promise<Docker.NetworkInspectInfo[]> {
    return classified(this.docker.listNetworks());
  }

  inspectNetwork(ref: string): Promise<Docker.NetworkInspectInfo> {
    return classified(this.docker.getNetwork(ref).inspect());
  }

  connectNetwork(network: string, body: Docker.NetworkConnectOptions): Promise<unknown> {
    return classified(this.docker.getNetwork(network).connect(body));
  }

  /** `POST /networks/create`; the new network's id. */
  async createNetwork(body: Docker.NetworkCreateOptions): Promise<string> {
    const network = await classified(this.docker.createNetwork(body));
    return network.id;
  }

  removeNetwork(ref: string): Promise<unknown> {
    return classified(this.docker.getNetwork(ref).remove());
  }

  disconnectNetwork(
    network: string,
    body: { Container: string; Force?: boolean },
  ): Promise<unknown> {
    return classified(this.docker.getNetwork(network).disconnect(body));
  }

  /** `POST /networks/prune`: the names of the networks removed. */
  async pruneNetworks(filters: Record<string, string[]> = {}): Promise<string[]> {
    const answer = await classified(this.docker.pruneNetworks({ filters }));
    return answer.NetworksDeleted ?? [];
  }

  async listVolumes(): Promise<Docker.VolumeInspectInfo[]> {
    const { Volumes } = await classified(this.docker.listVolumes());
    return Volumes ?? [];
  }

  inspectVolume(name: string): Promise<Docker.VolumeInspectInfo> {
    return classified(this.docker.getVolume(name).inspect());
  }

  createVolume(body: {
    Name: string;
    Labels: Record<string, string>;
    Driver?: string;
    DriverOpts?: Record<string, string>;
  }): Promise<unknown> {
    return classified(this.docker.createVolume(body));
  }

  removeVolume(name: string, force = false): Promise<unknown> {
    return classified(this.docker.getVolume(name).remove({ force }));
  }

  /** `POST /volumes/prune`: the names of the volumes removed and the bytes given back. */
  async pruneVolumes(
    filters: Record<string, string[]> = {},
  ): Promise<{ removed: string[]; spaceReclaimed: number }> {
    const answer = await classified(this.docker.pruneVolumes({ filters }));
    return { removed: answer.VolumesDeleted ?? [], spaceReclaimed: answer.SpaceReclaimed ?? 0 };
  }
  // Swarm: the cluster, nodes, services and tasks (a manager answers them; others 503).

  /** A call whose answer may be empty (node and service updates answer 200 with no body). */
  private async swarmCall<T>(call: Omit<EngineCall, 'timeoutMs'>): Promise<T | null> {
    const res = await this.stream({ ...call, timeoutMs: this.timeoutMs });
    const chunks: Buffer[] = [];
    for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8').trim();
    return text ? (JSON.parse(text) as T) : null;
  }

  async inspectSwarm(): Promise<EngineSwarm> {
    return (await this.swarmCall<EngineSwarm>({ path: '/swarm' }))!;
  }

  /** `POST /swarm/update` with the spec as it is, replacing the join tokens asked for. */
  async rotateJoinTokens(rotate: { worker: boolean; manager: boolean }): Promise<void> {
    const swarm = await this.inspectSwarm();
    const query = new URLSearchParams({
      version: String(swarm.Version?.Index ?? 0),
      rotateWorkerToken: String(rotate.worker),
      rotateManagerToken: String(rotate.manager),
    });
    await this.swarmCall({
      method: 'POST',
      path: `/swarm/update?${query.toString()}`,
      body: swarm.Spec,
    });
  }

  async listNodes(): Promise<EngineNode[]> {
    return (await this.swarmCall<EngineNode[]>({ path: '/nodes' })) ?? [];
  }

  async inspectNode(id: string): Promise<EngineNode> {
    return (await this.swarmCall<EngineNode>({ path: `/nodes/${encodeURIComponent(id)}` }))!;
  }

  /** `POST /nodes/{id}/update`: the whole spec, at the version it was read at. */
  async updateNode(id: string, version: number, spec: EngineNode['Spec']): Promise<void> {
    await this.swarmCall({
      method: 'POST',
      path: `/nodes/${encodeURIComponent(id)}/update?version=${version}`,
      body: spec,
    });
  }

  async removeNode(id: string, force: boolean): Promise<void> {
    await this.swarmCall({
      method: 'DELETE',
      path: `/nodes/${encodeURIComponent(id)}?force=${force}`,
    });
  }

  /** `GET /services?status=true`: with each service's running and desired task counts. */
  async listServices(): Promise<EngineService[]> {
    return (await this.swarmCall<EngineService[]>({ path: '/services?status=true' })) ?? [];
  }

  async inspectService(id: string): Promise<EngineService> {
    return (await this.swarmCall<EngineService>({
      path: `/services/${encodeURIComponent(id)}`,
    }))!;
  }

  /** `POST /services/create`; the new service's id and the engine's warnings. */
  async createService(spec: EngineServiceSpec): Promise<{ id: string; warnings: string[] }> {
    const answer = await this.swarmCall<{ ID: string; Warnings?: string[] | null }>({
      method: 'POST',
      path: '/services/create',
      body: spec,
    });
    return { id: answer!.ID, warnings: answer?.Warnings ?? [] };
  }

  /**
   * `POST /services/{id}/update` at the version the spec was read at; `rollback` asks the engine
   * to return to the previous spec (the spec sent is then the current one). The engine's warnings.
   */
  async updateService(
    id: string,
    version: number,
    spec: EngineServiceSpec,
    rollback = false,
  ): Promise<string[]> {
    const query = `version=${version}${rollback ? '&rollback=previous' : ''}`;
    const answer = await this.swarmCall<{ Warnings?: string[] | null }>({
      method: 'POST',
      path: `/services/${encodeURIComponent(id)}/update?${query}`,
      body: spec,
    });
    return answer?.Warnings ?? [];
  }

  async removeService(id: string): Promise<void> {
    await this.swarmCall({ method: 'DELETE', path: `/services/${encodeURIComponent(id)}` });
  }

  /** `GET /tasks` filtered (`service`, `node`, `desired-state`…). */
  async listTasks(filters: Record<string, string[]> = {}): Promise<EngineTask[]> {
    const query = encodeURIComponent(JSON.stringify(filters));
    return (await this.swarmCall<EngineTask[]>({ path: `/tasks?filters=${query}` })) ?? [];
  }
}

/** Whatever the call throws leaves as an EngineError. */
async function classified<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw EngineError.from(error);
  }
}
