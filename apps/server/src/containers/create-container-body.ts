import { BERTH_LABELS, type TCreateContainerRequest } from '@berth/shared';

const NANOS_PER_SECOND = 1e9;

/** Labels Berth adds: who created the container, their team when they have exactly one. */
export interface OwnerStamp {
  owner: string;
  team: string | null;
}

/**
 * The engine's create body (`POST /containers/create`) for a checked request. Only the first
 * network can be given at create on API 1.41; the others are connected before the start.
 */
export function toCreateBody(
  request: TCreateContainerRequest,
  stamp: OwnerStamp,
): Record<string, unknown> {
  const secretNames = request.env.filter((v) => v.secret).map((v) => v.name);
  const labels: Record<string, string> = { ...request.labels, [BERTH_LABELS.owner]: stamp.owner };
  if (stamp.team) labels[BERTH_LABELS.team] = stamp.team;
  if (secretNames.length > 0) labels[BERTH_LABELS.secretEnv] = secretNames.join(',');

  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of request.ports) {
    const key = `${port.containerPort}/${port.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({
      HostIp: port.hostIp ?? '',
      HostPort: port.hostPort === undefined ? '' : String(port.hostPort),
    });
  }

  const [first] = request.networks;
  const hostConfig: Record<string, unknown> = {
    PortBindings: bindings,
    Mounts: request.volumes.map((mount) => ({
      Type: mount.type,
      ...(mount.source ? { Source: mount.source } : {}),
      Target: mount.target,
      ReadOnly: mount.readOnly,
    })),
  };
  if (first) hostConfig.NetworkMode = first.name;
  if (request.restartPolicy) {
    hostConfig.RestartPolicy = {
      Name: request.restartPolicy.name,
      MaximumRetryCount: request.restartPolicy.maximumRetryCount ?? 0,
    };
  }
  if (request.cpus !== undefined) hostConfig.NanoCpus = Math.round(request.cpus * NANOS_PER_SECOND);
  if (request.memory !== undefined) hostConfig.Memory = request.memory;
  if (request.logDriver) {
    hostConfig.LogConfig = { Type: request.logDriver.name, Config: request.logDriver.options };
  }

  const body: Record<string, unknown> = {
    Image: request.image,
    Env: request.env.map((v) => `${v.name}=${v.value}`),
    Labels: labels,
    ExposedPorts: exposed,
    Tty: request.tty,
    OpenStdin: request.interactive,
    StdinOnce: false,
    HostConfig: hostConfig,
  };
  if (request.cmd) body.Cmd = request.cmd;
  if (request.entrypoint) body.Entrypoint = request.entrypoint;
  if (request.user) body.User = request.user;
  if (request.workingDir) body.WorkingDir = request.workingDir;
  if (request.hostname) body.Hostname = request.hostname;
  if (request.healthcheck) {
    const h = request.healthcheck;
    body.Healthcheck = {
      Test: h.test,
      ...(h.intervalSeconds !== undefined ? { Interval: nanos(h.intervalSeconds) } : {}),
      ...(h.timeoutSeconds !== undefined ? { Timeout: nanos(h.timeoutSeconds) } : {}),
      ...(h.startPeriodSeconds !== undefined ? { StartPeriod: nanos(h.startPeriodSeconds) } : {}),
      ...(h.retries !== undefined ? { Retries: h.retries } : {}),
    };
  }
  if (first) body.NetworkingConfig = { EndpointsConfig: { [first.name]: endpointOf(first) } };
  return body;
}

/** The endpoint settings of one network attachment. */
export function endpointOf(
  network: TCreateContainerRequest['networks'][number],
): Record<string, unknown> {
  return {
    ...(network.aliases.length > 0 ? { Aliases: network.aliases } : {}),
    ...(network.ipv4Address ? { IPAMConfig: { IPv4Address: network.ipv4Address } } : {}),
  };
}

function nanos(seconds: number): number {
  return Math.round(seconds * NANOS_PER_SECOND);
}
