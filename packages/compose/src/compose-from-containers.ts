import { stringify } from 'yaml';
import { COMPOSE_LABEL } from './container-create.js';

/** The parts of an image inspect a container inherits: what equals them is left out of the file. */
export interface ImageDefaults {
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Env?: string[] | null;
  Labels?: Record<string, string> | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Healthcheck?: InspectHealthcheck | null;
}

interface InspectHealthcheck {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

/** The fields of a container inspect (Engine API `GET /containers/{id}/json`) that are read. */
export interface ContainerInspectInput {
  Id: string;
  Name: string;
  Config: ImageDefaults & {
    Image: string;
    Tty?: boolean;
    OpenStdin?: boolean;
    StopSignal?: string;
  };
  HostConfig: {
    PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
    NetworkMode?: string;
    NanoCpus?: number;
    Memory?: number;
    MemoryReservation?: number;
    PidsLimit?: number | null;
    CapAdd?: string[] | null;
    CapDrop?: string[] | null;
    Privileged?: boolean;
    ExtraHosts?: string[] | null;
    Init?: boolean | null;
    ReadonlyRootfs?: boolean;
  };
  Mounts?: {
    Type?: string;
    Name?: string;
    Source?: string;
    Destination: string;
    RW?: boolean;
  }[];
  NetworkSettings?: {
    Networks?: Record<string, { Aliases?: string[] | null } | null> | null;
  };
}

export interface ContainerSource {
  inspect: ContainerInspectInput;
  /** The image's own settings, when the image is on the host. */
  image?: ImageDefaults;
  /** Names of environment variables whose values must not be written (secrets). */
  secretEnv: ReadonlySet<string>;
}

export interface ComposeFromContainersOptions {
  /** Label keys that belong to the tool that made the container, not to what it runs. */
  privateLabel: (key: string) => boolean;
}

export interface ComposeFromContainers {
  /** The compose file, YAML. */
  compose: string;
  /** Variables the file refers to instead of a secret's value; they need values before a deploy. */
  variables: string[];
}

/** Engine networks a container joins through `network_mode` rather than a compose network. */
const MODE_NETWORKS = new Set(['bridge', 'host', 'none']);

/**
 * A compose file describing the containers as they run: one service each, with what they do not
 * inherit from their image. Secret environment values are replaced by a `${NAME}` reference, and
 * the labels compose and other tools put on their containers are left out. Networks and named
 * volumes are referred to by their engine name, so the new project uses the same ones.
 */
export function composeFromContainers(
  sources: ContainerSource[],
  options: ComposeFromContainersOptions,
): ComposeFromContainers {
  const services: Record<string, Record<string, unknown>> = {};
  const networks: Record<string, { name: string; external: true }> = {};
  const volumes: Record<string, { name: string }> = {};
  const variables = new Set<string>();
  for (const source of sources) {
    const name = uniqueKey(serviceName(source.inspect), services);
    const service = serviceOf(source, options, variables);
    for (const volume of namedVolumes(source.inspect)) volumes[volume] = { name: volume };
    const joined = joinedNetworks(source.inspect);
    if (joined.mode) service.network_mode = joined.mode;
    if (Object.keys(joined.networks).length > 0) {
      service.networks = joined.networks;
      for (const network of Object.keys(joined.networks)) {
        networks[network] = { name: network, external: true };
      }
    }
    services[name] = service;
  }
  const file: Record<string, unknown> = { services };
  if (Object.keys(networks).length > 0) file.networks = networks;
  if (Object.keys(volumes).length > 0) file.volumes = volumes;
  return { compose: stringify(file, { lineWidth: 0 }), variables: [...variables].sort() };
}

function serviceOf(
  { inspect, image, secretEnv }: ContainerSource,
  options: ComposeFromContainersOptions,
  variables: Set<string>,
): Record<string, unknown> {
  const config = inspect.Config;
  const host = inspect.HostConfig;
  const service: Record<string, unknown> = { image: config.Image };
  if (config.Entrypoint && !sameList(config.Entrypoint, image?.Entrypoint)) {
    service.entrypoint = config.Entrypoint;
  }
  if (config.Cmd && !sameList(config.Cmd, image?.Cmd)) service.command = config.Cmd;
  const environment = environmentOf(config.Env ?? [], image?.Env ?? [], secretEnv, variables);
  if (Object.keys(environment).length > 0) service.environment = environment;
  if (config.User && config.User !== (image?.User ?? '')) service.user = config.User;
  if (config.WorkingDir && config.WorkingDir !== (image?.WorkingDir ?? '')) {
    service.working_dir = config.WorkingDir;
  }
  const ports = portsOf(host.PortBindings ?? {});
  if (ports.length > 0) service.ports = ports;
  const expose = Object.keys(config.ExposedPorts ?? {}).filter(
    (port) => !(port in (host.PortBindings ?? {})) && !(port in (image?.ExposedPorts ?? {})),
  );
  if (expose.length > 0) service.expose = expose;
  const mounts = mountsOf(inspect);
  if (mounts.length > 0) service.volumes = mounts;
  const restart = restartOf(host.RestartPolicy);
  if (restart) service.restart = restart;
  const limits = {
    ...(host.NanoCpus ? { cpus: String(host.NanoCpus / 1e9) } : {}),
    ...(host.Memory ? { memory: `${host.Memory}b` } : {}),
    ...(host.PidsLimit && host.PidsLimit > 0 ? { pids: host.PidsLimit } : {}),
  };
  const reservations = host.MemoryReservation ? { memory: `${host.MemoryReservation}b` } : {};
  if (Object.keys(limits).length > 0 || Object.keys(reservations).length > 0) {
    service.deploy = {
      resources: {
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        ...(Object.keys(reservations).length > 0 ? { reservations } : {}),
      },
    };
  }
  const healthcheck = healthcheckOf(config.Healthcheck, image?.Healthcheck);
  if (healthcheck) service.healthcheck = healthcheck;
  const labels = Object.fromEntries(
    Object.entries(config.Labels ?? {}).filter(
      ([key, value]) =>
        !key.startsWith('com.docker.compose.') &&
        !options.privateLabel(key) &&
        image?.Labels?.[key] !== value,
    ),
  );
  if (Object.keys(labels).length > 0) service.labels = labels;
  if (host.CapAdd?.length) service.cap_add = host.CapAdd;
  if (host.CapDrop?.length) service.cap_drop = host.CapDrop;
  if (host.Privileged) service.privileged = true;
  if (host.ExtraHosts?.length) service.extra_hosts = host.ExtraHosts;
  if (host.Init) service.init = true;
  if (host.ReadonlyRootfs) service.read_only = true;
  if (config.Tty) service.tty = true;
  if (config.OpenStdin) service.stdin_open = true;
  return service;
}

/** The compose service a container belongs to, else its name, as a service key. */
function serviceName(inspect: ContainerInspectInput): string {
  const label = inspect.Config.Labels?.[COMPOSE_LABEL.service];
  const raw = label ?? inspect.Name.replace(/^\//, '');
  const key = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return /^[a-z0-9]/.test(key) ? key : `c${key}`;
}

function uniqueKey(key: string, taken: Record<string, unknown>): string {
  if (!(key in taken)) return key;
  let n = 2;
  while (`${key}-${n}` in taken) n++;
  return `${key}-${n}`;
}

function sameList(a: string[] | null | undefined, b: string[] | null | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** `$` doubled so the loader does not read a value as a reference to a variable. */
function literal(value: string): string {
  return value.replaceAll('$', () => '$$');
}

function environmentOf(
  env: string[],
  imageEnv: string[],
  secret: ReadonlySet<string>,
  variables: Set<string>,
): Record<string, string> {
  const inherited = new Set(imageEnv);
  const out: Record<string, string> = {};
  for (const entry of env) {
    if (inherited.has(entry)) continue;
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    if (secret.has(name)) {
      out[name] = `\${${name}}`;
      variables.add(name);
    } else {
      out[name] = literal(eq === -1 ? '' : entry.slice(eq + 1));
    }
  }
  return out;
}

function portsOf(
  bindings: Record<string, { HostIp?: string; HostPort?: string }[] | null>,
): string[] {
  const ports: string[] = [];
  for (const [port, binds] of Object.entries(bindings)) {
    const [number, protocol = 'tcp'] = port.split('/');
    const suffix = protocol === 'tcp' ? '' : `/${protocol}`;
    for (const bind of binds ?? [{}]) {
      const hostIp =
        bind.HostIp && bind.HostIp !== '0.0.0.0' && bind.HostIp !== '::' ? `${bind.HostIp}:` : '';
      const hostPort = bind.HostPort ?? '';
      ports.push(
        hostPort || hostIp ? `${hostIp}${hostPort}:${number}${suffix}` : `${number}${suffix}`,
      );
    }
  }
  return ports;
}

/** Anonymous volumes (named by the engine with 64 hex digits) are written as a bare target. */
const ANONYMOUS = /^[0-9a-f]{64}$/;

function mountsOf(inspect: ContainerInspectInput): string[] {
  return (inspect.Mounts ?? []).flatMap((mount) => {
    const ro = mount.RW === false ? ':ro' : '';
    if (mount.Type === 'bind') return [`${mount.Source}:${mount.Destination}${ro}`];
    if (mount.Type === 'volume' && mount.Name) {
      return ANONYMOUS.test(mount.Name)
        ? [mount.Destination]
        : [`${mount.Name}:${mount.Destination}${ro}`];
    }
    return [];
  });
}

function namedVolumes(inspect: ContainerInspectInput): string[] {
  return (inspect.Mounts ?? []).flatMap((m) =>
    m.Type === 'volume' && m.Name && !ANONYMOUS.test(m.Name) ? [m.Name] : [],
  );
}

function joinedNetworks(inspect: ContainerInspectInput): {
  mode?: string;
  networks: Record<string, { aliases: string[] } | null>;
} {
  const mode = inspect.HostConfig.NetworkMode ?? '';
  const attached = inspect.NetworkSettings?.Networks ?? {};
  const own = new Set([inspect.Id.slice(0, 12), inspect.Name.replace(/^\//, '')]);
  const networks: Record<string, { aliases: string[] } | null> = {};
  for (const [name, endpoint] of Object.entries(attached)) {
    if (MODE_NETWORKS.has(name)) continue;
    const aliases = (endpoint?.Aliases ?? []).filter(
      (alias) => !own.has(alias) && alias !== inspect.Config.Labels?.[COMPOSE_LABEL.service],
    );
    networks[name] = aliases.length > 0 ? { aliases } : null;
  }
  if (MODE_NETWORKS.has(mode) || mode.startsWith('container:')) return { mode, networks: {} };
  return { networks };
}

function restartOf(policy: ContainerInspectInput['HostConfig']['RestartPolicy']) {
  const name = policy?.Name ?? '';
  if (name === '' || name === 'no') return undefined;
  if (name === 'on-failure' && policy?.MaximumRetryCount) {
    return `on-failure:${policy.MaximumRetryCount}`;
  }
  return name;
}

/** Nanoseconds as a compose duration (`1m30s`, `500ms`). */
function duration(ns: number): string {
  const ms = Math.round(ns / 1e6);
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  const parts = [
    Math.floor(s / 3600) ? `${Math.floor(s / 3600)}h` : '',
    Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : '',
    s % 60 ? `${s % 60}s` : '',
  ];
  return parts.join('') || '0s';
}

function healthcheckOf(
  check: InspectHealthcheck | null | undefined,
  inherited: InspectHealthcheck | null | undefined,
): Record<string, unknown> | undefined {
  if (!check?.Test?.length) return undefined;
  if (JSON.stringify(check) === JSON.stringify(inherited ?? null)) return undefined;
  if (check.Test[0] === 'NONE') return { disable: true };
  return {
    test: check.Test,
    ...(check.Interval ? { interval: duration(check.Interval) } : {}),
    ...(check.Timeout ? { timeout: duration(check.Timeout) } : {}),
    ...(check.Retries ? { retries: check.Retries } : {}),
    ...(check.StartPeriod ? { start_period: duration(check.StartPeriod) } : {}),
  };
}
