import { type ComposeProject, type ServiceSpec, type VolumeMount } from './model.js';
import { serviceImage } from './normalize.js';

/** The parts of the Engine API's `POST /containers/create` body that a compose service sets. */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env: string[];
  Labels: Record<string, string>;
  Hostname?: string;
  Domainname?: string;
  User?: string;
  WorkingDir?: string;
  Tty: boolean;
  OpenStdin: boolean;
  AttachStdin: boolean;
  StdinOnce: boolean;
  StopSignal?: string;
  StopTimeout?: number;
  Healthcheck?: {
    Test: string[];
    Interval?: number;
    Timeout?: number;
    Retries?: number;
    StartPeriod?: number;
    StartInterval?: number;
  };
  ExposedPorts: Record<string, Record<string, never>>;
  HostConfig: HostConfig;
  NetworkingConfig: { EndpointsConfig: Record<string, EndpointSettings> };
}

export interface HostConfig {
  Binds: string[];
  Mounts: Mount[];
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
  RestartPolicy: { Name: string; MaximumRetryCount?: number };
  NetworkMode: string;
  CapAdd: string[];
  CapDrop: string[];
  Privileged: boolean;
  Devices: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
  LogConfig?: { Type: string; Config: Record<string, string> };
  ExtraHosts: string[];
  Dns: string[];
  Init?: boolean;
  ReadonlyRootfs: boolean;
  ShmSize?: number;
  Ulimits: { Name: string; Soft: number; Hard: number }[];
  Sysctls: Record<string, string>;
  SecurityOpt: string[];
  PidMode?: string;
  IpcMode?: string;
  NanoCpus?: number;
  Memory?: number;
  MemoryReservation?: number;
  PidsLimit?: number;
}

export interface Mount {
  Type: 'volume' | 'bind' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly: boolean;
  VolumeOptions?: { NoCopy: boolean; Subpath?: string };
  BindOptions?: { Propagation?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface EndpointSettings {
  Aliases: string[];
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string };
}

export interface ContainerCreatePlan {
  /** Container name (`<project>-<service>-<n>` or `container_name`). */
  name: string;
  body: ContainerCreateBody;
  /** Networks beyond the first: API 1.41 engines take one at create, the rest are connected after. */
  additionalNetworks: { network: string; endpoint: EndpointSettings }[];
}

export interface ContainerCreateOptions {
  /** `serviceConfigHash` of the service. */
  configHash: string;
  /** The compose files the project was loaded from, for `com.docker.compose.project.config_files`. */
  configFiles: string[];
  /** The value of `com.docker.compose.version`. */
  composeVersion: string;
  /** The image ID the service runs, for `com.docker.compose.image`, when known. */
  imageId?: string;
}

export const COMPOSE_LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  version: 'com.docker.compose.version',
} as const;

/**
 * The create body for replica `number` of a service, as Compose v2 builds it: its config, host
 * config and first network, with the standard `com.docker.compose.*` labels so that Compose and
 * docker-compose on the host see the container as part of the project.
 */
export function containerCreatePlan(
  project: ComposeProject,
  service: ServiceSpec,
  number: number,
  options: ContainerCreateOptions,
): ContainerCreatePlan {
  const name = service.containerNames[number - 1] ?? `${project.name}-${service.name}-${number}`;
  const labels: Record<string, string> = {
    ...service.labels,
    [COMPOSE_LABEL.project]: project.name,
    [COMPOSE_LABEL.service]: service.name,
    [COMPOSE_LABEL.containerNumber]: String(number),
    [COMPOSE_LABEL.oneoff]: 'False',
    [COMPOSE_LABEL.configHash]: options.configHash,
    [COMPOSE_LABEL.configFiles]: options.configFiles.join(','),
    [COMPOSE_LABEL.workingDir]: project.workingDir,
    [COMPOSE_LABEL.dependsOn]: Object.entries(service.dependsOn)
      .map(([dependency, d]) => `${dependency}:${d.condition}:${String(d.restart)}`)
      .join(','),
    [COMPOSE_LABEL.version]: options.composeVersion,
    ...(options.imageId ? { [COMPOSE_LABEL.image]: options.imageId } : {}),
  };
  const networks = Object.keys(service.networks).sort();
  const endpoint = (key: string): EndpointSettings => {
    const settings = service.networks[key] ?? { aliases: [] };
    const ipam = {
      ...(settings.ipv4Address ? { IPv4Address: settings.ipv4Address } : {}),
      ...(settings.ipv6Address ? { IPv6Address: settings.ipv6Address } : {}),
    };
    return {
      Aliases: [service.name, ...settings.aliases],
      ...(Object.keys(ipam).length > 0 ? { IPAMConfig: ipam } : {}),
    };
  };
  const engineName = (key: string) => project.networks[key]?.name ?? `${project.name}_${key}`;
  const [primary, ...others] = networks;
  const healthcheck = service.healthcheck;
  const body: ContainerCreateBody = {
    Image: serviceImage(project.name, service),
    ...(service.command ? { Cmd: service.command } : {}),
    ...(service.entrypoint ? { Entrypoint: service.entrypoint } : {}),
    Env: Object.entries(service.environment).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    ...(service.hostname !== undefined ? { Hostname: service.hostname } : {}),
    ...(service.domainname !== undefined ? { Domainname: service.domainname } : {}),
    ...(service.user !== undefined ? { User: service.user } : {}),
    ...(service.workingDir !== undefined ? { WorkingDir: service.workingDir } : {}),
    Tty: service.tty,
    OpenStdin: service.stdinOpen,
    AttachStdin: false,
    StdinOnce: false,
    ...(service.stopSignal !== undefined ? { StopSignal: service.stopSignal } : {}),
    ...(service.stopGracePeriodNs !== undefined
      ? { StopTimeout: Math.round(service.stopGracePeriodNs / 1e9) }
      : {}),
    ...(healthcheck
      ? {
          Healthcheck: {
            Test: healthcheck.test,
            ...(healthcheck.intervalNs !== undefined ? { Interval: healthcheck.intervalNs } : {}),
            ...(healthcheck.timeoutNs !== undefined ? { Timeout: healthcheck.timeoutNs } : {}),
            ...(healthcheck.retries !== undefined ? { Retries: healthcheck.retries } : {}),
            ...(healthcheck.startPeriodNs !== undefined
              ? { StartPeriod: healthcheck.startPeriodNs }
              : {}),
            ...(healthcheck.startIntervalNs !== undefined
              ? { StartInterval: healthcheck.startIntervalNs }
              : {}),
          },
        }
      : {}),
    ExposedPorts: exposedPorts(service),
    HostConfig: hostConfig(project, service, primary ? engineName(primary) : undefined),
    NetworkingConfig: {
      EndpointsConfig:
        primary && !service.networkMode ? { [engineName(primary)]: endpoint(primary) } : {},
    },
  };
  return {
    name,
    body,
    additionalNetworks: service.networkMode
      ? []
      : others.map((key) => ({ network: engineName(key), endpoint: endpoint(key) })),
  };
}

function exposedPorts(service: ServiceSpec): Record<string, Record<string, never>> {
  const exposed: Record<string, Record<string, never>> = {};
  for (const port of service.ports) exposed[`${port.target}/${port.protocol}`] = {};
  for (const entry of service.expose) {
    const [range = '', protocol = 'tcp'] = entry.split('/');
    const [start = 0, end = start] = range.split('-').map(Number);
    for (let port = start; port <= end; port++) exposed[`${port}/${protocol}`] = {};
  }
  return exposed;
}

function hostConfig(
  project: ComposeProject,
  service: ServiceSpec,
  primaryNetwork: string | undefined,
): HostConfig {
  const portBindings: HostConfig['PortBindings'] = {};
  for (const port of service.ports) {
    const key = `${port.target}/${port.protocol}`;
    (portBindings[key] ??= []).push({ HostIp: port.hostIp ?? '', HostPort: port.published ?? '' });
  }
  const [restartName = '', retries] = service.restart.split(':');
  const { binds, mounts } = volumeMounts(project, service.volumes);
  for (const kind of ['secrets', 'configs'] as const) {
    for (const ref of service[kind]) {
      const file = project[kind][ref.source]?.file;
      if (file) mounts.push({ Type: 'bind', Source: file, Target: ref.target, ReadOnly: true });
    }
  }
  const { limits, reservations } = service.resources;
  return {
    Binds: binds,
    Mounts: mounts,
    PortBindings: portBindings,
    RestartPolicy: {
      Name: restartName,
      ...(retries !== undefined ? { MaximumRetryCount: Number(retries) } : {}),
    },
    NetworkMode: service.networkMode ?? primaryNetwork ?? 'default',
    CapAdd: service.capAdd,
    CapDrop: service.capDrop,
    Privileged: service.privileged,
    Devices: service.devices.map((d) => ({
      PathOnHost: d.source,
      PathInContainer: d.target,
      CgroupPermissions: d.permissions,
    })),
    ...(service.logging
      ? { LogConfig: { Type: service.logging.driver ?? '', Config: service.logging.options } }
      : {}),
    ExtraHosts: service.extraHosts,
    Dns: service.dns,
    ...(service.init !== undefined ? { Init: service.init } : {}),
    ReadonlyRootfs: service.readOnly,
    ...(service.shmSizeBytes !== undefined ? { ShmSize: service.shmSizeBytes } : {}),
    Ulimits: Object.entries(service.ulimits).map(([name, u]) => ({
      Name: name,
      Soft: u.soft,
      Hard: u.hard,
    })),
    Sysctls: service.sysctls,
    SecurityOpt: service.securityOpt,
    ...(service.pid !== undefined ? { PidMode: service.pid } : {}),
    ...(service.ipc !== undefined ? { IpcMode: service.ipc } : {}),
    ...(limits.cpus !== undefined ? { NanoCpus: Math.round(limits.cpus * 1e9) } : {}),
    ...(limits.memoryBytes !== undefined ? { Memory: limits.memoryBytes } : {}),
    ...(reservations.memoryBytes !== undefined
      ? { MemoryReservation: reservations.memoryBytes }
      : {}),
    ...(limits.pids !== undefined ? { PidsLimit: limits.pids } : {}),
  };
}

/**
 * Bind mounts that may create their host path go in `Binds` (the Mounts API refuses a missing
 * source); everything else is a `Mount`. Named volumes take their engine name.
 */
function volumeMounts(project: ComposeProject, volumes: VolumeMount[]) {
  const binds: string[] = [];
  const mounts: Mount[] = [];
  for (const volume of volumes) {
    switch (volume.type) {
      case 'bind': {
        if (volume.createHostPath) {
          const options = [
            volume.readOnly ? 'ro' : 'rw',
            ...(volume.selinux ? [volume.selinux] : []),
            ...(volume.propagation ? [volume.propagation] : []),
          ];
          binds.push(`${volume.source}:${volume.target}:${options.join(',')}`);
        } else {
          mounts.push({
            Type: 'bind',
            Source: volume.source,
            Target: volume.target,
            ReadOnly: volume.readOnly,
            ...(volume.propagation ? { BindOptions: { Propagation: volume.propagation } } : {}),
          });
        }
        break;
      }
      case 'volume':
        mounts.push({
          Type: 'volume',
          ...(volume.source
            ? { Source: project.volumes[volume.source]?.name ?? volume.source }
            : {}),
          Target: volume.target,
          ReadOnly: volume.readOnly,
          VolumeOptions: {
            NoCopy: volume.nocopy,
            ...(volume.subpath ? { Subpath: volume.subpath } : {}),
          },
        });
        break;
      case 'tmpfs':
        mounts.push({
          Type: 'tmpfs',
          Target: volume.target,
          ReadOnly: volume.readOnly,
          TmpfsOptions: {
            ...(volume.sizeBytes !== undefined ? { SizeBytes: volume.sizeBytes } : {}),
            ...(volume.mode !== undefined ? { Mode: volume.mode } : {}),
          },
        });
        break;
    }
  }
  return { binds, mounts };
}
