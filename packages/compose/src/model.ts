/** The normalised project: every short form expanded, every default applied (Compose v2 rules). */
export interface ComposeProject {
  name: string;
  workingDir: string;
  services: Record<string, ServiceSpec>;
  /** Services left out because none of their profiles is active. */
  disabledServices: string[];
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
  secrets: Record<string, FileObjectSpec>;
  configs: Record<string, FileObjectSpec>;
}

export interface ServiceSpec {
  name: string;
  image?: string;
  build?: BuildSpec;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  ports: PortSpec[];
  expose: string[];
  volumes: VolumeMount[];
  /** Network key (as in the top-level `networks`) to the service's settings on it. */
  networks: Record<string, ServiceNetwork>;
  networkMode?: string;
  dependsOn: Record<string, Dependency>;
  healthcheck?: Healthcheck;
  /** As written (`no`, `always`, `on-failure:3`…); empty when the file sets none, as Compose sends it. */
  restart: string;
  replicas: number;
  resources: { limits: Resources; reservations: Resources };
  labels: Record<string, string>;
  user?: string;
  workingDir?: string;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  devices: DeviceMapping[];
  logging?: { driver?: string; options: Record<string, string> };
  hostname?: string;
  domainname?: string;
  /** `host:ip` entries, as the engine takes them. */
  extraHosts: string[];
  dns: string[];
  stopSignal?: string;
  stopGracePeriodNs?: number;
  init?: boolean;
  tty: boolean;
  stdinOpen: boolean;
  readOnly: boolean;
  shmSizeBytes?: number;
  ulimits: Record<string, { soft: number; hard: number }>;
  sysctls: Record<string, string>;
  securityOpt: string[];
  pid?: string;
  ipc?: string;
  profiles: string[];
  pullPolicy: 'always' | 'never' | 'missing' | 'build';
  /** `container_name` when set, else `<project>-<service>-<n>` for each replica. */
  containerNames: string[];
  secrets: FileMount[];
  configs: FileMount[];
  /**
   * Files of a checkout (a stack from git) bound to a path in the container: written into each
   * container of the service when it is created, as a single file cannot be a volume mount.
   */
  checkoutFiles?: CheckoutFile[];
}

/**
 * A file of a checkout placed at `target`: a file bind, or a secret or config whose `file:` is in
 * the checkout; the file at `path` (from the checkout's root).
 */
export interface CheckoutFile {
  path: string;
  target: string;
  /** The file's content id (git's blob id), so new content changes the service's config hash. */
  blob: string;
  /** Permission bits (0o644, 0o755). */
  mode: number;
  /** Owner of the written file (a secret's or config's `uid`/`gid`); root when unset. */
  uid?: number;
  gid?: number;
}

/** What a path of a checkout is: a file or a folder, with the id of its content. */
export interface CheckoutObject {
  type: 'file' | 'folder';
  id: string;
  mode: number;
}

export interface BuildSpec {
  /** An absolute path of the project, or for a remote context the git URL as written. */
  context: string;
  /** A git repository given as the context (`https://host/repo.git#ref:folder`), fetched by Berth. */
  remote?: RemoteContext;
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
}

export interface RemoteContext {
  url: string;
  /** A branch, tag or commit; the repository's default branch when left out. */
  ref?: string;
  /** The folder of the repository that is the context; its root when left out. */
  folder?: string;
}

export interface PortSpec {
  target: number;
  published?: string;
  hostIp?: string;
  protocol: string;
  mode: 'ingress' | 'host';
  name?: string;
  appProtocol?: string;
}

export type VolumeMount =
  | {
      type: 'volume';
      /** Top-level volume key; absent for an anonymous volume. */
      source?: string;
      target: string;
      readOnly: boolean;
      nocopy: boolean;
      subpath?: string;
    }
  | {
      type: 'bind';
      /** Absolute path on the host. */
      source: string;
      target: string;
      readOnly: boolean;
      propagation?: string;
      selinux?: string;
      createHostPath: boolean;
    }
  | { type: 'tmpfs'; target: string; readOnly: boolean; sizeBytes?: number; mode?: number };

export interface ServiceNetwork {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

export interface Dependency {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart: boolean;
}

export interface Healthcheck {
  /** `["NONE"]` when disabled; otherwise starts with `CMD` or `CMD-SHELL`. */
  test: string[];
  intervalNs?: number;
  timeoutNs?: number;
  startPeriodNs?: number;
  startIntervalNs?: number;
  retries?: number;
}

export interface Resources {
  /** CPUs as a decimal (0.5 = half a CPU). */
  cpus?: number;
  memoryBytes?: number;
  pids?: number;
}

export interface DeviceMapping {
  source: string;
  target: string;
  permissions: string;
}

export interface FileMount {
  source: string;
  target: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface NetworkSpec {
  /** Name on the engine: `<project>_<key>` unless `name` is set or the network is external. */
  name: string;
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  ipam?: {
    driver?: string;
    config: {
      subnet?: string;
      ipRange?: string;
      gateway?: string;
      auxAddresses: Record<string, string>;
    }[];
    options: Record<string, string>;
  };
  internal: boolean;
  attachable: boolean;
  enableIpv6: boolean;
  labels: Record<string, string>;
}

export interface VolumeSpec {
  name: string;
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

export interface FileObjectSpec {
  name: string;
  /** Absolute path of the file on the host. */
  file: string;
}
