import { BERTH_LABELS, SECRET_MASK, type TContainerInspect } from '@berth/shared';

/*
 * The engine's inspect answer is passed through as it is (ZContainerInspect is a plain record);
 * this reads the parts the dashboard shows, tolerating anything missing or of another shape.
 */

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === 'string') out[key] = v;
  return out;
}

export interface InspectEnv {
  name: string;
  value: string;
  /** Marked secret at create: the API masks its value. */
  secret: boolean;
}

export interface InspectPort {
  containerPort: number;
  protocol: string;
  hostIp: string;
  /** Null: exposed but not published. */
  hostPort: number | null;
}

export interface InspectMount {
  type: string;
  name: string;
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface InspectNetwork {
  name: string;
  ipAddress: string;
  /** The address asked for at create (IPAM config), if any. */
  ipv4Address: string;
  aliases: string[];
  gateway: string;
  macAddress: string;
}

export interface InspectHealthcheck {
  test: string[];
  intervalSeconds: number | null;
  timeoutSeconds: number | null;
  startPeriodSeconds: number | null;
  retries: number | null;
}

export interface InspectView {
  id: string;
  name: string;
  createdAt: string;
  image: string;
  imageId: string;
  /** What runs: the path and its arguments. */
  command: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  state: {
    status: string;
    running: boolean;
    paused: boolean;
    restarting: boolean;
    oomKilled: boolean;
    pid: number;
    exitCode: number;
    error: string;
    startedAt: string | null;
    finishedAt: string | null;
    health: string | null;
  };
  restartCount: number;
  env: InspectEnv[];
  labels: Record<string, string>;
  user: string;
  workingDir: string;
  hostname: string;
  tty: boolean;
  openStdin: boolean;
  restartPolicy: { name: string; maximumRetryCount: number };
  nanoCpus: number;
  memory: number;
  logDriver: { name: string; options: Record<string, string> };
  /** As configured at create (what a duplicate should ask for). */
  portBindings: InspectPort[];
  /** As published now, with the ports the engine picked. */
  ports: InspectPort[];
  mounts: InspectMount[];
  networkMode: string;
  networks: InspectNetwork[];
  healthcheck: InspectHealthcheck | null;
}

/** Docker's zero time (`0001-01-01T00:00:00Z`) means "never". */
function time(value: unknown): string | null {
  const iso = text(value);
  return iso && !iso.startsWith('0001-') ? iso : null;
}

function seconds(nanos: unknown): number | null {
  const value = num(nanos);
  return value > 0 ? value / 1e9 : null;
}

function portsOf(map: unknown): InspectPort[] {
  const ports: InspectPort[] = [];
  for (const [key, bindings] of Object.entries(record(map))) {
    const [port = '', protocol = 'tcp'] = key.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort)) continue;
    const list = Array.isArray(bindings) ? bindings : [];
    if (list.length === 0) ports.push({ containerPort, protocol, hostIp: '', hostPort: null });
    for (const binding of list) {
      const b = record(binding);
      const hostPort = Number(text(b.HostPort));
      ports.push({
        containerPort,
        protocol,
        hostIp: text(b.HostIp),
        hostPort: text(b.HostPort) && Number.isInteger(hostPort) ? hostPort : null,
      });
    }
  }
  return ports.sort((a, b) => a.containerPort - b.containerPort);
}

function envOf(config: Json, labels: Record<string, string>): InspectEnv[] {
  const secret = new Set(
    (labels[BERTH_LABELS.secretEnv] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  return (strings(config.Env) ?? []).map((entry) => {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    const value = eq === -1 ? '' : entry.slice(eq + 1);
    return { name, value, secret: secret.has(name) && value === SECRET_MASK };
  });
}

export function readInspect(raw: TContainerInspect): InspectView {
  const config = record(raw.Config);
  const host = record(raw.HostConfig);
  const state = record(raw.State);
  const settings = record(raw.NetworkSettings);
  const labels = stringRecord(config.Labels);
  const restart = record(host.RestartPolicy);
  const log = record(host.LogConfig);
  const check = record(config.Healthcheck);
  const test = strings(check.Test);
  return {
    id: text(raw.Id),
    name: text(raw.Name).replace(/^\//, ''),
    createdAt: text(raw.Created),
    image: text(config.Image),
    imageId: text(raw.Image),
    command: [text(raw.Path), ...(strings(raw.Args) ?? [])].filter(Boolean),
    cmd: strings(config.Cmd),
    entrypoint: strings(config.Entrypoint),
    state: {
      status: text(state.Status),
      running: state.Running === true,
      paused: state.Paused === true,
      restarting: state.Restarting === true,
      oomKilled: state.OOMKilled === true,
      pid: num(state.Pid),
      exitCode: num(state.ExitCode),
      error: text(state.Error),
      startedAt: time(state.StartedAt),
      finishedAt: time(state.FinishedAt),
      health: text(record(state.Health).Status) || null,
    },
    restartCount: num(raw.RestartCount),
    env: envOf(config, labels),
    labels,
    user: text(config.User),
    workingDir: text(config.WorkingDir),
    hostname: text(config.Hostname),
    tty: config.Tty === true,
    openStdin: config.OpenStdin === true,
    restartPolicy: { name: text(restart.Name), maximumRetryCount: num(restart.MaximumRetryCount) },
    nanoCpus: num(host.NanoCpus),
    memory: num(host.Memory),
    logDriver: { name: text(log.Type), options: stringRecord(log.Config) },
    portBindings: portsOf(host.PortBindings),
    ports: portsOf(settings.Ports),
    mounts: (Array.isArray(raw.Mounts) ? raw.Mounts : []).map((value) => {
      const mount = record(value);
      return {
        type: text(mount.Type),
        name: text(mount.Name),
        source: text(mount.Source),
        destination: text(mount.Destination),
        readOnly: mount.RW === false,
      };
    }),
    networkMode: text(host.NetworkMode),
    networks: Object.entries(record(settings.Networks)).map(([name, value]) => {
      const network = record(value);
      return {
        name,
        ipAddress: text(network.IPAddress),
        ipv4Address: text(record(network.IPAMConfig).IPv4Address),
        aliases: strings(network.Aliases) ?? [],
        gateway: text(network.Gateway),
        macAddress: text(network.MacAddress),
      };
    }),
    healthcheck:
      test && test.length > 0
        ? {
            test,
            intervalSeconds: seconds(check.Interval),
            timeoutSeconds: seconds(check.Timeout),
            startPeriodSeconds: seconds(check.StartPeriod),
            retries: typeof check.Retries === 'number' ? check.Retries : null,
          }
        : null,
  };
}
