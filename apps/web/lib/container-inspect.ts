import { BERTH_LABELS, SECRET_MASK, type TContainerInspect } from '@berth/shared';

/*
 * The parts of the engine's inspect answer the dashboard shows, read from the typed answer
 * (ZContainerInspect): fields the engine leaves out or sends as null read as empty.
 */

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
function time(iso: string | null | undefined): string | null {
  return iso && !iso.startsWith('0001-') ? iso : null;
}

function seconds(nanos: number | null | undefined): number | null {
  return nanos && nanos > 0 ? nanos / 1e9 : null;
}

type PortMap = NonNullable<TContainerInspect['HostConfig']['PortBindings']>;

function portsOf(map: PortMap | null | undefined): InspectPort[] {
  const ports: InspectPort[] = [];
  for (const [key, bindings] of Object.entries(map ?? {})) {
    const [port = '', protocol = 'tcp'] = key.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort)) continue;
    const list = bindings ?? [];
    if (list.length === 0) ports.push({ containerPort, protocol, hostIp: '', hostPort: null });
    for (const binding of list) {
      const hostPort = Number(binding.HostPort ?? '');
      ports.push({
        containerPort,
        protocol,
        hostIp: binding.HostIp ?? '',
        hostPort: binding.HostPort && Number.isInteger(hostPort) ? hostPort : null,
      });
    }
  }
  return ports.sort((a, b) => a.containerPort - b.containerPort);
}

function envOf(env: readonly string[], labels: Record<string, string>): InspectEnv[] {
  const secret = new Set(
    (labels[BERTH_LABELS.secretEnv] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  return env.map((entry) => {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    const value = eq === -1 ? '' : entry.slice(eq + 1);
    return { name, value, secret: secret.has(name) && value === SECRET_MASK };
  });
}

export function readInspect(raw: TContainerInspect): InspectView {
  const { Config: config, HostConfig: host, State: state } = raw;
  const labels = config.Labels ?? {};
  const check = config.Healthcheck;
  const test = check?.Test ?? null;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    createdAt: raw.Created,
    image: config.Image,
    imageId: raw.Image,
    command: [raw.Path ?? '', ...(raw.Args ?? [])].filter(Boolean),
    cmd: config.Cmd ?? null,
    entrypoint: config.Entrypoint ?? null,
    state: {
      status: state.Status,
      running: state.Running,
      paused: state.Paused === true,
      restarting: state.Restarting === true,
      oomKilled: state.OOMKilled === true,
      pid: state.Pid ?? 0,
      exitCode: state.ExitCode ?? 0,
      error: state.Error ?? '',
      startedAt: time(state.StartedAt),
      finishedAt: time(state.FinishedAt),
      health: state.Health?.Status || null,
    },
    restartCount: raw.RestartCount ?? 0,
    env: envOf(config.Env ?? [], labels),
    labels,
    user: config.User ?? '',
    workingDir: config.WorkingDir ?? '',
    hostname: config.Hostname ?? '',
    tty: config.Tty === true,
    openStdin: config.OpenStdin === true,
    restartPolicy: {
      name: host.RestartPolicy?.Name ?? '',
      maximumRetryCount: host.RestartPolicy?.MaximumRetryCount ?? 0,
    },
    nanoCpus: host.NanoCpus ?? 0,
    memory: host.Memory ?? 0,
    logDriver: { name: host.LogConfig?.Type ?? '', options: host.LogConfig?.Config ?? {} },
    portBindings: portsOf(host.PortBindings),
    ports: portsOf(raw.NetworkSettings?.Ports),
    mounts: (raw.Mounts ?? []).map((mount) => ({
      type: mount.Type ?? '',
      name: mount.Name ?? '',
      source: mount.Source ?? '',
      destination: mount.Destination,
      readOnly: mount.RW === false,
    })),
    networkMode: host.NetworkMode ?? '',
    networks: Object.entries(raw.NetworkSettings?.Networks ?? {}).map(([name, network]) => ({
      name,
      ipAddress: network.IPAddress ?? '',
      ipv4Address: network.IPAMConfig?.IPv4Address ?? '',
      aliases: network.Aliases ?? [],
      gateway: network.Gateway ?? '',
      macAddress: network.MacAddress ?? '',
    })),
    healthcheck:
      check && test && test.length > 0
        ? {
            test,
            intervalSeconds: seconds(check.Interval),
            timeoutSeconds: seconds(check.Timeout),
            startPeriodSeconds: seconds(check.StartPeriod),
            retries: check.Retries ?? null,
          }
        : null,
  };
}
