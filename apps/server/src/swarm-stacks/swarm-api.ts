import type { EngineClient } from '../docker/engine-client.js';

const TIMEOUT_MS = 30_000;

/** A swarm object's version, sent back with each update so a concurrent change is refused. */
interface Versioned {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
}

export interface EngineSwarmObject extends Versioned {
  Spec?: {
    Name?: string;
    Labels?: Record<string, string> | null;
    Driver?: { Name?: string } | null;
    /** A config's content (base64); the engine never returns a secret's. */
    Data?: string;
  };
}

/** A reference of a service to a secret or config (`TaskTemplate.ContainerSpec.Secrets`). */
export interface EngineFileReference {
  File?: { Name: string; UID: string; GID: string; Mode: number };
  SecretID?: string;
  SecretName?: string;
  ConfigID?: string;
  ConfigName?: string;
}

export interface EngineServiceSpec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate: {
    ContainerSpec?: {
      Image?: string;
      Labels?: Record<string, string>;
      Secrets?: EngineFileReference[];
      Configs?: EngineFileReference[];
      [key: string]: unknown;
    };
    ForceUpdate?: number;
    [key: string]: unknown;
  };
  Mode?: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  [key: string]: unknown;
}

export interface EngineService extends Versioned {
  Spec: EngineServiceSpec;
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
  /** The last rolling update: `updating`, `paused`, `completed`, `rollback_…`. */
  UpdateStatus?: { State?: string };
}

export interface EngineTask {
  ID: string;
  ServiceID?: string;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface EngineNetwork {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
}

type Filters = Record<string, string[]>;

/**
 * The swarm calls of one manager host (secrets, configs, services, tasks, stack networks), each
 * one Engine API call through the host's engine client. Failures leave as `EngineError`.
 */
export class SwarmApi {
  constructor(private readonly client: EngineClient) {}

  info(): Promise<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }> {
    return this.client.info();
  }

  listObjects(kind: 'secrets' | 'configs', filters: Filters = {}): Promise<EngineSwarmObject[]> {
    return this.get(`/${kind}${query(filters)}`);
  }

  inspectObject(kind: 'secrets' | 'configs', ref: string): Promise<EngineSwarmObject> {
    return this.get(`/${kind}/${encodeURIComponent(ref)}`);
  }

  /** Creates a secret or config; `data` is the content in base64. */
  async createObject(
    kind: 'secrets' | 'configs',
    spec: { Name: string; Labels: Record<string, string>; Data: string },
  ): Promise<string> {
    const created = await this.send<{ ID: string }>('POST', `/${kind}/create`, spec);
    return created?.ID ?? '';
  }

  async removeObject(kind: 'secrets' | 'configs', id: string): Promise<void> {
    await this.send('DELETE', `/${kind}/${encodeURIComponent(id)}`);
  }

  listServices(filters: Filters = {}): Promise<EngineService[]> {
    return this.get(`/services${query(filters, { status: 'true' })}`);
  }

  inspectService(ref: string): Promise<EngineService> {
    return this.get(`/services/${encodeURIComponent(ref)}`);
  }

  /** `registryAuth`: the `X-Registry-Auth` header for a private image, if any. */
  async createService(spec: EngineServiceSpec, registryAuth?: string): Promise<string> {
    const created = await this.send<{ ID: string }>(
      'POST',
      '/services/create',
      spec,
      authHeader(registryAuth),
    );
    return created?.ID ?? '';
  }

  async updateService(
    service: EngineService,
    spec: EngineServiceSpec,
    registryAuth?: string,
  ): Promise<void> {
    const version = service.Version?.Index ?? 0;
    await this.send(
      'POST',
      `/services/${encodeURIComponent(service.ID)}/update?version=${version}`,
      spec,
      authHeader(registryAuth),
    );
  }

  async removeService(id: string): Promise<void> {
    await this.send('DELETE', `/services/${encodeURIComponent(id)}`);
  }

  /** The registry's digest of an image reference (`GET /distribution/{name}/json`). */
  async distributionDigest(reference: string, registryAuth?: string): Promise<string | null> {
    const answer = await this.client.json<{ Descriptor?: { digest?: string } }>({
      path: `/distribution/${encodeURI(reference)}/json`,
      timeoutMs: TIMEOUT_MS,
      ...(registryAuth ? { headers: { 'X-Registry-Auth': registryAuth } } : {}),
    });
    return answer.Descriptor?.digest ?? null;
  }

  listTasks(filters: Filters): Promise<EngineTask[]> {
    return this.get(`/tasks${query(filters)}`);
  }

  listNetworks(filters: Filters): Promise<EngineNetwork[]> {
    return this.get(`/networks${query(filters)}`);
  }

  async createNetwork(body: Record<string, unknown>): Promise<string> {
    const created = await this.send<{ Id: string }>('POST', '/networks/create', body);
    return created?.Id ?? '';
  }

  async removeNetwork(id: string): Promise<void> {
    await this.send('DELETE', `/networks/${encodeURIComponent(id)}`);
  }

  private async get<T>(path: string): Promise<T> {
    return this.client.json<T>({ path, timeoutMs: TIMEOUT_MS });
  }

  /** A change; its answer read whole (some are empty: 204 or 200 without a body). */
  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T | undefined> {
    const res = await this.client.stream({
      method,
      path,
      timeoutMs: TIMEOUT_MS,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8').trim();
    return text ? (JSON.parse(text) as T) : undefined;
  }
}

function query(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (Object.keys(filters).length > 0) params.set('filters', JSON.stringify(filters));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function authHeader(registryAuth: string | undefined): Record<string, string> | undefined {
  return registryAuth ? { 'X-Registry-Auth': registryAuth } : undefined;
}
