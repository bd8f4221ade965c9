import type { FieldIssue } from './errors.js';
import type { THostPolicy } from './schemas/host-policy.js';
import { goKeys, isJsonObject, jsonList } from './engine-json.js';

/**
 * Checks a Docker Engine `POST /containers/create` body against a host's security policy and
 * returns one issue per violation, named by its path in the body (`HostConfig.Privileged`). The
 * gateway calls it for everyone but global administrators.
 *
 * The engine decodes JSON with Go's encoding/json, which matches field names case-insensitively
 * (`hostconfig`, `PRIVILEGED`) and merges or overrides repeated ones, so fields are looked up the
 * same way here, and a field given twice in different spellings is refused rather than guessed at.
 *
 * Beyond the flag names, `forbidPrivileged` also covers turning confinement off
 * (`SecurityOpt` seccomp/apparmor/systempaths `unconfined`, `label=disable`, `MaskedPaths`,
 * `ReadonlyPaths`), `forbidDevices` covers `DeviceCgroupRules` and `DeviceRequests`, and a bind
 * policy other than `allow` also covers local-driver volumes that bind a host path and
 * `VolumesFrom` (which can carry another container's bind mounts).
 */
export function checkContainerCreate(policy: THostPolicy, body: unknown): FieldIssue[] {
  const issues = new IssueList();
  const read = issues.reader();
  const hostConfig = read(body, 'HostConfig', '');
  if (!isJsonObject(hostConfig)) return issues.list();
  const create: CreateBody = {
    get: (name) => read(hostConfig, name, 'HostConfig'),
    read,
    add: (name, message) => issues.add(`HostConfig.${name}`, message),
  };
  for (const check of CHECKS) check(policy, create);
  return issues.list();
}

/** What the engine reports of a container (its inspect), or null when there is no such container. */
export type ContainerLookup = (ref: string) => Promise<{ HostConfig?: unknown } | null>;

/** Namespace modes that may name another container (`container:<id>`) to share its namespace. */
const SHARED_MODES = ['NetworkMode', 'PidMode', 'IpcMode'] as const;
/** How far a chain of `container:` modes is followed; the engine itself goes one step per hop. */
const MAX_SHARE_DEPTH = 4;

/**
 * `checkContainerCreate`, and what the body would get by sharing another container's namespaces:
 * `PidMode: container:<id>` joins that container's process namespace, which is the host's if that
 * container runs in it, and a privileged container's namespaces hand over what it may do. Such a
 * share is refused under the same switches as asking for it directly.
 */
export async function checkContainerCreateWithShares(
  policy: THostPolicy,
  body: unknown,
  lookup: ContainerLookup,
): Promise<FieldIssue[]> {
  const issues = checkContainerCreate(policy, body);
  if (issues.length > 0) return issues;
  const found = new IssueList();
  const read = found.reader();
  const hostConfig = read(body, 'HostConfig', '');
  for (const field of SHARED_MODES) {
    const mode = read(hostConfig, field, 'HostConfig');
    const ref = sharedContainerOf(mode);
    if (ref === null) continue;
    const reason = await shareRefusal(policy, field, ref, lookup, MAX_SHARE_DEPTH);
    if (reason) found.add(`HostConfig.${field}`, reason);
  }
  return found.list();
}

function sharedContainerOf(mode: unknown): string | null {
  if (typeof mode !== 'string') return null;
  const match = /^container:(.+)$/i.exec(mode.trim());
  return match?.[1] ?? null;
}

/** Why sharing `field` with container `ref` is not allowed, or null when it is. */
async function shareRefusal(
  policy: THostPolicy,
  field: (typeof SHARED_MODES)[number],
  ref: string,
  lookup: ContainerLookup,
  depth: number,
): Promise<string | null> {
  // A container that does not exist is the engine's own error to give.
  const target = await lookup(ref);
  if (!target) return null;
  const own = new IssueList();
  const read = own.reader();
  const hostConfig = read(target, 'HostConfig', '');
  if (policy.forbidPrivileged && isSet(read(hostConfig, 'Privileged', 'HostConfig'))) {
    return `container ${ref} is privileged: sharing its namespaces is not allowed on this host`;
  }
  const mode = read(hostConfig, field, 'HostConfig');
  const direct = checkNamespacesOf(policy, { [field]: mode });
  if (direct) return `container ${ref} uses ${direct}: sharing it is not allowed on this host`;
  const next = sharedContainerOf(mode);
  if (next === null) return null;
  if (depth <= 1) return `container ${ref} shares ${field} through too many containers`;
  return shareRefusal(policy, field, next, lookup, depth - 1);
}

/** The first host namespace the policy forbids among these modes, described; or null. */
function checkNamespacesOf(policy: THostPolicy, modes: Record<string, unknown>): string | null {
  let found: string | null = null;
  checkNamespaces(policy, {
    get: (name) => modes[name],
    read: () => undefined,
    add: (_name, message) => (found ??= message.replace(/ is not allowed on this host$/, '')),
  });
  return found;
}

/** What each check sees: HostConfig's fields, nested look-ups, and where to report. */
interface CreateBody {
  get: (name: string) => unknown;
  read: FieldReader;
  /** Reports an issue at `HostConfig.<name>`. */
  add: (name: string, message: string) => void;
}

type Check = (policy: THostPolicy, body: CreateBody) => void;

const checkConfinement: Check = (policy, { get, add }) => {
  if (!policy.forbidPrivileged) return;
  if (isSet(get('Privileged')))
    add('Privileged', 'privileged containers are not allowed on this host');
  jsonList(get('SecurityOpt')).forEach((option, i) => {
    if (typeof option === 'string' && unconfines(option)) {
      add(`SecurityOpt.${i}`, `"${option}" turns off confinement; not allowed on this host`);
    }
  });
  for (const name of ['MaskedPaths', 'ReadonlyPaths']) {
    if (isSet(get(name))) add(name, `${name} would unmask kernel paths; not allowed on this host`);
  }
};

const checkBindMounts: Check = (policy, { get, read, add }) => {
  if (policy.bindMounts === 'allow') return;
  jsonList(get('Binds')).forEach((spec, i) => {
    const source = typeof spec === 'string' ? bindSourceOf(spec) : null;
    if (source !== null) checkBind(policy, source, `Binds.${i}`, add);
  });
  jsonList(get('Mounts')).forEach((mount, i) => {
    const path = `HostConfig.Mounts.${i}`;
    const type = read(mount, 'Type', path);
    if (typeof type === 'string' && type.toLowerCase() === 'bind') {
      const source = read(mount, 'Source', path);
      checkBind(policy, typeof source === 'string' ? source : '', `Mounts.${i}.Source`, add);
    }
    const volumeOptions = read(mount, 'VolumeOptions', path);
    const driverConfig = read(volumeOptions, 'DriverConfig', `${path}.VolumeOptions`);
    const options = read(driverConfig, 'Options', `${path}.VolumeOptions.DriverConfig`);
    const device = boundDevice(options, (o, name) =>
      read(o, name, `${path}.VolumeOptions.DriverConfig.Options`),
    );
    if (device !== null) {
      checkBind(policy, device, `Mounts.${i}.VolumeOptions.DriverConfig.Options`, add);
    }
  });
  if (jsonList(get('VolumesFrom')).length > 0) {
    add('VolumesFrom', "can carry another container's bind mounts; not allowed on this host");
  }
};

const checkNamespaces: Check = (policy, { get, add }) => {
  const namespaces = [
    ['PidMode', policy.forbidHostPid, "the host's process namespace"],
    ['IpcMode', policy.forbidHostIpc, "the host's IPC namespace"],
    ['NetworkMode', policy.forbidHostNetwork, "the host's network"],
    ['UTSMode', policy.forbidHostUts, "the host's UTS namespace (its hostname)"],
    // With user namespace remapping on the engine, `host` makes root in the container root on the host.
    ['UsernsMode', policy.forbidHostUserns, "the host's user namespace"],
    ['CgroupnsMode', policy.forbidHostCgroupns, "the host's cgroup namespace"],
  ] as const;
  for (const [name, forbidden, what] of namespaces) {
    const mode = get(name);
    if (forbidden && typeof mode === 'string' && mode.trim().toLowerCase() === 'host') {
      add(name, `${what} is not allowed on this host`);
    }
  }
};

const checkDevices: Check = (policy, { get, add }) => {
  if (!policy.forbidDevices) return;
  for (const name of ['Devices', 'DeviceCgroupRules', 'DeviceRequests']) {
    if (jsonList(get(name)).length > 0)
      add(name, 'access to host devices is not allowed on this host');
  }
};

const checkCapabilities: Check = (policy, { get, add }) => {
  if (!policy.forbidAddedCapabilities) return;
  const extra = jsonList(get('CapAdd'))
    .map((cap) => String(cap))
    .filter((cap) => !DEFAULT_CAPABILITIES.has(capabilityName(cap)));
  if (extra.length > 0) {
    add('CapAdd', `adding capabilities is not allowed on this host (${extra.join(', ')})`);
  }
};

const checkSysctls: Check = (policy, { get, add }) => {
  const sysctls = get('Sysctls');
  if (policy.forbidSysctls && isJsonObject(sysctls) && Object.keys(sysctls).length > 0) {
    add('Sysctls', 'setting kernel parameters is not allowed on this host');
  }
};

const CHECKS: readonly Check[] = [
  checkConfinement,
  checkBindMounts,
  checkNamespaces,
  checkDevices,
  checkCapabilities,
  checkSysctls,
];

/**
 * Checks a `POST /containers/{id}/exec` body against a host's security policy, as
 * `checkContainerCreate` checks a create body (field names read as the engine reads them). A
 * privileged exec runs with every capability and without the container's confinement, whatever
 * the container was created with, so `forbidPrivileged` refuses it. `User` is not judged: the
 * policy has no rule about running as root (the container's own user may be root anyway).
 */
export function checkExecCreate(policy: THostPolicy, body: unknown): FieldIssue[] {
  const issues = new IssueList();
  const privileged = issues.reader()(body, 'Privileged', '');
  if (policy.forbidPrivileged && isSet(privileged)) {
    issues.add('Privileged', 'privileged exec is not allowed on this host');
  }
  return issues.list();
}

/**
 * Checks a `POST /volumes/create` body: a local-driver volume with `o=bind` mounts the host path in
 * `device`, which is a bind mount by another name.
 */
export function checkVolumeCreate(policy: THostPolicy, body: unknown): FieldIssue[] {
  const issues = new IssueList();
  if (policy.bindMounts === 'allow') return issues.list();
  const field = issues.reader();
  const options = field(body, 'DriverOpts', '');
  const device = boundDevice(options, (o, name) => field(o, name, 'DriverOpts'));
  if (device !== null) {
    checkBind(policy, device, 'device', (name, message) =>
      issues.add(`DriverOpts.${name}`, message),
    );
  }
  return issues.list();
}

/** Docker's default capability set: adding one of these changes nothing, so it is not refused. */
const DEFAULT_CAPABILITIES = new Set([
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
]);

function capabilityName(cap: string): string {
  const upper = cap.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

function checkBind(
  policy: THostPolicy,
  source: string,
  path: string,
  add: (path: string, message: string) => void,
): void {
  if (policy.bindMounts === 'forbid') {
    add(path, `bind mounts of host paths are not allowed on this host (${source})`);
    return;
  }
  const normalised = normalisePath(source);
  const allowed =
    normalised !== null &&
    policy.allowedBindPrefixes.some((prefix) => isUnder(normalised, normalisePath(prefix)));
  if (!allowed) {
    const prefixes = policy.allowedBindPrefixes.join(', ') || 'none';
    add(path, `host path ${source} is outside the allowed bind prefixes (${prefixes})`);
  }
}

/** The host side of a `Binds` entry (`src:dst[:opts]`), or null for a named or anonymous volume. */
function bindSourceOf(spec: string): string | null {
  const parts = spec.split(':');
  if (parts.length < 2) return null;
  const source = parts[0] ?? '';
  // The engine treats an absolute source as a host path and anything else as a volume name;
  // a name with a slash is not a volume name, so it is judged as a path (and refused).
  return source.startsWith('/') || /[/\\]/.test(source) ? source : null;
}

/** The host path a local-driver volume binds (`o` has `bind` or `rbind`), or null. */
function boundDevice(
  options: unknown,
  field: (options: unknown, name: string) => unknown,
): string | null {
  const o = field(options, 'o');
  if (typeof o !== 'string') return null;
  const flags = o.split(',').map((flag) => flag.trim().toLowerCase());
  if (!flags.includes('bind') && !flags.includes('rbind')) return null;
  const device = field(options, 'device');
  return typeof device === 'string' ? device : '';
}

function unconfines(option: string): boolean {
  const [key = '', value = ''] = option.split(/[=:]/, 2).map((s) => s.trim().toLowerCase());
  if (value === 'unconfined') return ['seccomp', 'apparmor', 'systempaths'].includes(key);
  return key === 'label' && value === 'disable';
}

/** An absolute path with `.`, `..` and repeated slashes resolved; null when not absolute. */
function normalisePath(path: string): string | null {
  if (!path.startsWith('/')) return null;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

function isUnder(path: string, prefix: string | null): boolean {
  if (prefix === null) return false;
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

type FieldReader = (value: unknown, name: string, path: string) => unknown;

/** Issues in the order found, each path and message once. */
class IssueList {
  private readonly issues = new Map<string, FieldIssue>();

  add(path: string, message: string): void {
    this.issues.set(`${path}\n${message}`, { path, message });
  }

  list(): FieldIssue[] {
    return [...this.issues.values()];
  }

  /**
   * Looks a field up as Go's encoding/json matches it: case-insensitively, with Unicode simple
   * folding. A field spelled twice is an issue: Go would merge or override, and guessing how is
   * exactly what an attacker would count on.
   */
  reader(): FieldReader {
    return (value, name, path) => {
      if (!isJsonObject(value)) return undefined;
      const keys = goKeys(value, name);
      if (keys.length > 1) {
        this.add(path ? `${path}.${name}` : name, `given more than once (${keys.join(', ')})`);
      }
      const last = keys.at(-1);
      return last === undefined ? undefined : value[last];
    };
  }
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}
