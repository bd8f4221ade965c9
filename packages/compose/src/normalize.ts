import { posix } from 'node:path';
import { type z } from 'zod';
import { type ComposeIssue } from './compose-issue.js';
import { DotEnvError, parseDotEnv } from './dotenv.js';
import { issueAt } from './interpolate-tree.js';
import { type VariableLookup } from './interpolation.js';
import type * as M from './model.js';
import { type CheckoutObject } from './model.js';
import { parseShortPort, parseShortVolume, splitCommand } from './short-syntax.js';
import { type ZComposeSubset } from './subset-schema.js';
import { parseBytes, parseDuration } from './units.js';
import { type PathSegment } from './source-map.js';

type Raw = z.infer<typeof ZComposeSubset>;
type RawService = NonNullable<NonNullable<Raw['services']>[string]>;

export interface NormalizeContext {
  projectName: string;
  workingDir: string;
  profiles: string[];
  lookup: VariableLookup;
  readFile: (path: string) => string | undefined;
  /** The merged tree the raw model came from, to give issues their line. */
  tree: unknown;
  /** Where the project's own files are (`LoadOptions.projectFiles`). */
  projectFiles: ProjectFiles;
}

/**
 * Where a project's own files (build contexts, relative bind mounts, env files) are. `host`: in its
 * working directory on the engine's host, as for `docker compose`. `none`: the project has no
 * files, so a build context or a relative bind is refused. `{ checkout, object }`: in a checkout on
 * Berth's side whose root is `checkout` (the working directory lies inside it), which the engine's
 * host does not have: build contexts, binds and env files must be inside it, and `object` says
 * what a path of it (relative to its root) is. A relative bind of a folder becomes a mount of a
 * volume named after the folder's content id (`<project>_berth-checkout-<id>`, labelled
 * `berth.checkout` with the folder's path), to be filled with the folder before it is used; a
 * relative bind of a file, and a reference to a secret or config whose `file:` is in the
 * checkout, become one of the service's `checkoutFiles`.
 */
export type ProjectFiles = 'host' | 'none' | CheckoutFiles;

export interface CheckoutFiles {
  checkout: string;
  object: (path: string) => CheckoutObject | undefined;
}

/** The label of a checkout volume, naming the folder of the checkout it holds. */
export const CHECKOUT_LABEL = 'berth.checkout';
/** The key of the project volume holding a folder of the checkout with content `id`. */
export function checkoutVolumeKey(id: string): string {
  return `berth-checkout-${id.slice(0, 12)}`;
}

export function normalizeProject(raw: Raw, ctx: NormalizeContext) {
  const issues: ComposeIssue[] = [];
  const report = (path: PathSegment[], message: string) =>
    issues.push(issueAt(ctx.tree, undefined, path, message));
  const project: M.ComposeProject = {
    name: ctx.projectName,
    workingDir: ctx.workingDir,
    services: {},
    disabledServices: [],
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
  for (const [name, service] of Object.entries(raw.services ?? {})) {
    const profiles = service?.profiles ?? [];
    const active =
      profiles.length === 0 ||
      ctx.profiles.includes('*') ||
      profiles.some((profile) => ctx.profiles.includes(profile));
    if (!active) continue;
    project.services[name] = normalizeService(name, service ?? {}, ctx, report, project);
  }
  project.disabledServices = Object.keys(raw.services ?? {}).filter(
    (name) => !(name in project.services),
  );
  for (const [key, network] of Object.entries(raw.networks ?? {})) {
    project.networks[key] = normalizeNetwork(ctx.projectName, key, network ?? {});
  }
  const usesDefault = Object.values(project.services).some((s) => 'default' in s.networks);
  if (usesDefault && !project.networks.default) {
    project.networks.default = normalizeNetwork(ctx.projectName, 'default', {});
  }
  for (const [key, volume] of Object.entries(raw.volumes ?? {})) {
    const v = volume ?? {};
    project.volumes[key] = {
      name: v.name ?? (v.external ? key : `${ctx.projectName}_${key}`),
      external: v.external ?? false,
      ...(v.driver ? { driver: v.driver } : {}),
      driverOpts: stringMap(v.driver_opts),
      labels: dictionary(v.labels),
    };
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [key, item] of Object.entries(raw[kind] ?? {})) {
      project[kind][key] = {
        name: item.name ?? `${ctx.projectName}_${key}`,
        file: posix.resolve(ctx.workingDir, item.file),
      };
    }
  }
  checkReferences(project, raw, report);
  if (typeof ctx.projectFiles === 'object') {
    placeCheckoutFileObjects(project, ctx.projectFiles, report);
  }
  return { project, issues };
}

type Report = (path: PathSegment[], message: string) => void;

function normalizeService(
  name: string,
  s: RawService,
  ctx: NormalizeContext,
  report: Report,
  project: M.ComposeProject,
): M.ServiceSpec {
  const at = (...rest: PathSegment[]): PathSegment[] => ['services', name, ...rest];
  if (s.image === undefined && s.build === undefined) {
    report(at(), 'has neither an image nor a build context specified');
  }
  const replicas = s.deploy?.replicas ?? 1;
  const networks: Record<string, M.ServiceNetwork> = {};
  if (Array.isArray(s.networks)) {
    for (const key of s.networks) networks[key] = { aliases: [] };
  } else if (s.networks) {
    for (const [key, value] of Object.entries(s.networks)) {
      networks[key] = {
        aliases: value?.aliases ?? [],
        ...(value?.ipv4_address ? { ipv4Address: value.ipv4_address } : {}),
        ...(value?.ipv6_address ? { ipv6Address: value.ipv6_address } : {}),
      };
    }
  }
  if (!s.network_mode && Object.keys(networks).length === 0) networks.default = { aliases: [] };
  const checkoutFiles: M.CheckoutFile[] = [];
  const spec: M.ServiceSpec = {
    name,
    ...(s.image !== undefined ? { image: s.image } : {}),
    // Without the project's files, a service that also names its image runs that image (pulled
    // as `docker compose up` pulls one it cannot build); only a build with no image is refused. A
    // git repository as the context needs no project files: it is built.
    ...(s.build !== undefined &&
    !(ctx.projectFiles === 'none' && s.image !== undefined && !isRemoteBuild(s.build))
      ? { build: normalizeBuild(s.build, ctx, at('build'), report) }
      : {}),
    ...optionalCommand('command', s.command, at('command'), report),
    ...optionalCommand('entrypoint', s.entrypoint, at('entrypoint'), report),
    environment: resolveEnvironment(s, ctx, at, report),
    ports: (s.ports ?? []).flatMap(normalizePort),
    expose: (s.expose ?? []).map(String),
    volumes: (s.volumes ?? []).flatMap((v, i) => {
      const relative = { bind: false };
      const mount = normalizeVolume(v, ctx.workingDir, () => (relative.bind = true));
      if (!relative.bind || mount.type !== 'bind') return [mount];
      return placeRelativeBind(mount, ctx, at('volumes', i), report, { project, checkoutFiles });
    }),
    networks,
    ...(s.network_mode ? { networkMode: s.network_mode } : {}),
    dependsOn: normalizeDependsOn(s.depends_on),
    ...(s.healthcheck ? { healthcheck: normalizeHealthcheck(s.healthcheck) } : {}),
    restart: s.restart ?? '',
    replicas,
    resources: {
      limits: normalizeResources(s.deploy?.resources?.limits),
      reservations: normalizeResources(s.deploy?.resources?.reservations),
    },
    labels: dictionary(s.labels),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.working_dir !== undefined ? { workingDir: s.working_dir } : {}),
    capAdd: s.cap_add ?? [],
    capDrop: s.cap_drop ?? [],
    privileged: s.privileged ?? false,
    devices: (s.devices ?? []).map(normalizeDevice),
    ...(s.logging
      ? {
          logging: {
            ...(s.logging.driver ? { driver: s.logging.driver } : {}),
            options: stringMap(s.logging.options ?? {}),
          },
        }
      : {}),
    ...(s.hostname !== undefined ? { hostname: s.hostname } : {}),
    ...(s.domainname !== undefined ? { domainname: s.domainname } : {}),
    extraHosts: normalizeExtraHosts(s.extra_hosts),
    dns: s.dns === undefined ? [] : typeof s.dns === 'string' ? [s.dns] : s.dns,
    ...(s.stop_signal !== undefined ? { stopSignal: s.stop_signal } : {}),
    ...(s.stop_grace_period !== undefined
      ? { stopGracePeriodNs: parseDuration(s.stop_grace_period) ?? 0 }
      : {}),
    ...(s.init !== undefined ? { init: s.init } : {}),
    tty: s.tty ?? false,
    stdinOpen: s.stdin_open ?? false,
    readOnly: s.read_only ?? false,
    ...(s.shm_size !== undefined ? { shmSizeBytes: parseBytes(s.shm_size) ?? 0 } : {}),
    ulimits: Object.fromEntries(
      Object.entries(s.ulimits ?? {}).map(([key, value]) => [
        key,
        typeof value === 'number' ? { soft: value, hard: value } : value,
      ]),
    ),
    sysctls: dictionary(s.sysctls),
    securityOpt: s.security_opt ?? [],
    ...(s.pid ? { pid: s.pid } : {}),
    ...(s.ipc !== undefined ? { ipc: s.ipc } : {}),
    profiles: s.profiles ?? [],
    pullPolicy: normalizePullPolicy(s.pull_policy, s.build !== undefined && s.image === undefined),
    containerNames: s.container_name
      ? [s.container_name]
      : Array.from({ length: replicas }, (_, i) => containerName(ctx.projectName, name, i + 1)),
    secrets: (s.secrets ?? []).map((ref) => normalizeFileMount(ref, '/run/secrets/')),
    configs: (s.configs ?? []).map((ref) => normalizeFileMount(ref, '/')),
  };
  // Only when there are some, so the config hash of every other service stays Compose's.
  if (checkoutFiles.length > 0) spec.checkoutFiles = checkoutFiles;
  if (s.container_name && replicas > 1) {
    report(at('container_name'), 'cannot be set when deploy.replicas is more than 1');
  }
  return spec;
}

/** Compose v2 container name: project, service and replica number joined with `-`. */
export function containerName(project: string, service: string, number: number): string {
  return `${project}-${service}-${number}`;
}

/** The image a service runs: its `image`, else the one its build is tagged `<project>-<service>`. */
export function serviceImage(project: string, service: Pick<M.ServiceSpec, 'name' | 'image'>) {
  return service.image ?? `${project}-${service.name}`;
}

function normalizeBuild(
  build: NonNullable<RawService['build']>,
  ctx: NormalizeContext,
  path: PathSegment[],
  report: Report,
): M.BuildSpec {
  const b: Exclude<typeof build, string> = typeof build === 'string' ? { context: build } : build;
  const remote = b.context === undefined ? undefined : remoteContext(b.context);
  if (remote) {
    if (remote.issue) report([...path, 'context'], remote.issue);
    return {
      context: b.context!,
      remote: remote.context,
      dockerfile: b.dockerfile ?? 'Dockerfile',
      args: resolveDictionary(b.args, ctx.lookup),
      ...(b.target ? { target: b.target } : {}),
    };
  }
  const context = posix.resolve(ctx.workingDir, b.context ?? '.');
  const files = ctx.projectFiles;
  if (files === 'none') {
    report(
      path,
      `the build context ${b.context ?? '.'} is not available: this stack has only its compose text; create the stack from a git repository to build from its files, or name a built image in image:`,
    );
  } else if (files !== 'host' && !isInside(files.checkout, context)) {
    report(path, `the build context ${b.context ?? '.'} is outside the repository`);
  }
  return {
    context,
    dockerfile: b.dockerfile ?? 'Dockerfile',
    args: resolveDictionary(b.args, ctx.lookup),
    ...(b.target ? { target: b.target } : {}),
  };
}

function isRemoteBuild(build: NonNullable<RawService['build']>): boolean {
  const context = typeof build === 'string' ? build : build.context;
  return context !== undefined && remoteContext(context) !== undefined;
}

/**
 * A build context that names a git repository, as Compose and `docker build` read one:
 * `https://`, `http://`, `git://` or `ssh://` URLs, `git@host:path`, or `github.com/…`, with an
 * optional `#ref:folder`. Undefined for a path. Berth fetches it over HTTP(S) with git; a login in
 * the URL is refused (it would show in labels and logs), and so are transports it cannot use.
 */
export function remoteContext(
  text: string,
): { context: M.RemoteContext; issue?: string } | undefined {
  const remote = /^(https?|git|ssh):\/\//.test(text) || /^git@|^github\.com\//.test(text);
  if (!remote) return undefined;
  const hash = text.indexOf('#');
  const url = hash < 0 ? text : text.slice(0, hash);
  const fragment = hash < 0 ? '' : text.slice(hash + 1);
  const colon = fragment.indexOf(':');
  const ref = colon < 0 ? fragment : fragment.slice(0, colon);
  const folder = colon < 0 ? '' : fragment.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  const context: M.RemoteContext = {
    url: url.startsWith('github.com/') ? `https://${url}` : url,
    ...(ref ? { ref } : {}),
    ...(folder ? { folder } : {}),
  };
  if (!/^https?:\/\//.test(context.url)) {
    return { context, issue: 'a git context is fetched over http:// or https:// only' };
  }
  let parsed: URL;
  try {
    parsed = new URL(context.url);
  } catch {
    return { context, issue: `${url} is not a URL` };
  }
  if (parsed.username || parsed.password) {
    return {
      context,
      issue:
        'a login in a build context URL would show in labels and logs; use a public repository',
    };
  }
  if (folder.split('/').includes('..')) {
    return { context, issue: `the folder ${folder} leaves the repository` };
  }
  return { context };
}

function optionalCommand(
  key: 'command' | 'entrypoint',
  value: string | string[] | null | undefined,
  path: PathSegment[],
  report: Report,
): { command?: string[] } | { entrypoint?: string[] } {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) return { [key]: value };
  const words = splitCommand(value);
  if (!words) {
    report(path, 'has an unterminated quote');
    return {};
  }
  return { [key]: words };
}

function resolveEnvironment(
  s: RawService,
  ctx: NormalizeContext,
  at: (...rest: PathSegment[]) => PathSegment[],
  report: Report,
): Record<string, string> {
  const environment: Record<string, string> = {};
  const files =
    s.env_file === undefined ? [] : typeof s.env_file === 'string' ? [s.env_file] : s.env_file;
  files.forEach((entry, i) => {
    const file = typeof entry === 'string' ? { path: entry, required: true } : entry;
    const path = posix.resolve(ctx.workingDir, file.path);
    const files = ctx.projectFiles;
    if (typeof files === 'object' && !isInside(files.checkout, path)) {
      report(at('env_file', i), `env file ${file.path} is outside the repository`);
      return;
    }
    const content = files === 'none' ? undefined : ctx.readFile(path);
    if (content === undefined) {
      if (file.required !== false) report(at('env_file', i), missingEnvFile(file.path, path, ctx));
      return;
    }
    if (file.format === 'raw') {
      Object.assign(environment, parseRawEnv(content));
      return;
    }
    try {
      Object.assign(environment, parseDotEnv(content, ctx.lookup));
    } catch (error) {
      if (!(error instanceof DotEnvError)) throw error;
      report(at('env_file', i), `${file.path}: ${error.message}`);
    }
  });
  Object.assign(environment, resolveDictionary(s.environment, ctx.lookup));
  return environment;
}

/** `format: raw`: every `KEY=VALUE` line taken as written, no quotes, comments or variables. */
function parseRawEnv(content: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of content.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** A list or mapping of KEY=VALUE; a key without a value is taken from the variables or dropped. */
function resolveDictionary(
  value: Record<string, string | number | boolean | null> | string[] | undefined,
  lookup: VariableLookup,
): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (key: string, item: string | undefined) => {
    if (item !== undefined) out[key] = item;
    else {
      const found = lookup(key);
      if (found !== undefined) out[key] = found;
    }
  };
  if (Array.isArray(value)) {
    for (const entry of value) {
      const eq = entry.indexOf('=');
      set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? undefined : entry.slice(eq + 1));
    }
  } else if (value) {
    for (const [key, item] of Object.entries(value))
      set(key, item === null ? undefined : String(item));
  }
  return out;
}

/** Labels, sysctls: a list of KEY=VALUE or a mapping, values as strings (a bare key is ""). */
function dictionary(
  value: Record<string, string | number | boolean | null> | string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      const eq = entry.indexOf('=');
      out[eq < 0 ? entry : entry.slice(0, eq)] = eq < 0 ? '' : entry.slice(eq + 1);
    }
  } else if (value) {
    for (const [key, item] of Object.entries(value)) out[key] = item === null ? '' : String(item);
  }
  return out;
}

function stringMap(
  value: Record<string, string | number | null> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value ?? {}).map(([key, item]) => [key, item === null ? '' : String(item)]),
  );
}

function normalizePort(port: NonNullable<RawService['ports']>[number]): M.PortSpec[] {
  if (typeof port === 'string' || typeof port === 'number') {
    return (parseShortPort(port) ?? []).map((p) => ({
      target: p.target,
      ...(p.published !== undefined ? { published: p.published } : {}),
      ...(p.host_ip !== undefined ? { hostIp: p.host_ip } : {}),
      protocol: p.protocol,
      mode: 'ingress',
    }));
  }
  return [
    {
      target: port.target,
      ...(port.published !== undefined ? { published: String(port.published) } : {}),
      ...(port.host_ip !== undefined ? { hostIp: port.host_ip } : {}),
      protocol: port.protocol ?? 'tcp',
      mode: port.mode ?? 'ingress',
      ...(port.name !== undefined ? { name: port.name } : {}),
      ...(port.app_protocol !== undefined ? { appProtocol: port.app_protocol } : {}),
    },
  ];
}

function isInside(root: string, path: string): boolean {
  const rest = posix.relative(root, path);
  return rest === '' || (!rest.startsWith('..') && !posix.isAbsolute(rest));
}

function missingEnvFile(written: string, path: string, ctx: NormalizeContext): string {
  const files = ctx.projectFiles;
  if (files === 'none') {
    return `env file ${written} is not available: this stack has only its compose text; set the variables in the stack's environment, or create the stack from a git repository that has the file`;
  }
  if (files === 'host') return `env file ${path} not found`;
  return `env file ${posix.relative(files.checkout, path)} is not a file of the repository`;
}

/**
 * A bind whose source was relative: in a checkout it is placed from the checkout (see
 * `ProjectFiles`); otherwise it stays a bind of the working directory on the host.
 */
function placeRelativeBind(
  mount: Extract<M.VolumeMount, { type: 'bind' }>,
  ctx: NormalizeContext,
  path: PathSegment[],
  report: Report,
  into: { project: M.ComposeProject; checkoutFiles: M.CheckoutFile[] },
): M.VolumeMount[] {
  const files = ctx.projectFiles;
  if (typeof files !== 'object') return [mount];
  const written = posix.relative(ctx.workingDir, mount.source) || '.';
  if (!isInside(files.checkout, mount.source)) {
    report(path, `the bind source ${written} is outside the repository`);
    return [];
  }
  const inRepo = posix.relative(files.checkout, mount.source);
  const object = files.object(inRepo);
  if (!object) {
    report(path, `the bind source ${inRepo || '.'} is not a file or folder of the repository`);
    return [];
  }
  if (object.type === 'file') {
    into.checkoutFiles.push({
      path: inRepo,
      target: mount.target,
      blob: object.id,
      mode: object.mode,
    });
    return [];
  }
  const key = checkoutVolumeKey(object.id);
  into.project.volumes[key] ??= {
    name: `${ctx.projectName}_${key}`,
    external: false,
    driverOpts: {},
    labels: { [CHECKOUT_LABEL]: inRepo || '.' },
  };
  return [
    { type: 'volume', source: key, target: mount.target, readOnly: mount.readOnly, nocopy: true },
  ];
}

/**
 * In a checkout, the `file:` of a top-level secret or config is a file of the commit: each
 * service's reference to it becomes one of the service's `checkoutFiles` at the reference's
 * target (read-only mode 0444 unless the reference sets `mode`), instead of a bind of a path on
 * the engine's host.
 */
function placeCheckoutFileObjects(
  project: M.ComposeProject,
  files: CheckoutFiles,
  report: Report,
): void {
  for (const kind of ['secrets', 'configs'] as const) {
    const objects = new Map<string, CheckoutObject | undefined>();
    for (const [key, item] of Object.entries(project[kind])) {
      const written = posix.relative(project.workingDir, item.file);
      const at: PathSegment[] = [kind, key, 'file'];
      if (!isInside(files.checkout, item.file)) {
        report(
          at,
          `the ${kind === 'secrets' ? 'secret' : 'config'} file ${written} is outside the repository`,
        );
        continue;
      }
      const inRepo = posix.relative(files.checkout, item.file);
      const object = files.object(inRepo);
      if (object?.type !== 'file') {
        report(
          at,
          `the ${kind === 'secrets' ? 'secret' : 'config'} file ${inRepo} is not a file of the repository`,
        );
        continue;
      }
      objects.set(key, object);
    }
    for (const service of Object.values(project.services)) {
      const placed = (service.checkoutFiles ??= []);
      service[kind] = service[kind].filter((ref, i) => {
        const item = project[kind][ref.source];
        if (!item) return true;
        const object = objects.get(ref.source);
        const owner = checkoutFileOwner(ref, ['services', service.name, kind, i], report);
        if (object) {
          placed.push({
            path: posix.relative(files.checkout, item.file),
            target: ref.target,
            blob: object.id,
            mode: ref.mode ?? 0o444,
            ...owner,
          });
        }
        return false;
      });
      if (placed.length === 0) delete service.checkoutFiles;
    }
  }
}

/** The numeric `uid` and `gid` of a reference, as a file written into a container carries them. */
function checkoutFileOwner(
  ref: M.FileMount,
  at: PathSegment[],
  report: Report,
): { uid?: number; gid?: number } {
  const owner: { uid?: number; gid?: number } = {};
  for (const key of ['uid', 'gid'] as const) {
    const value = ref[key];
    if (value === undefined) continue;
    if (/^\d+$/.test(value)) owner[key] = Number(value);
    else report([...at, key], `${key} ${value} must be a number`);
  }
  return owner;
}

function normalizeVolume(
  volume: NonNullable<RawService['volumes']>[number],
  workingDir: string,
  relativeBind: () => void,
): M.VolumeMount {
  const v =
    typeof volume === 'string'
      ? (parseShortVolume(volume) ?? { type: 'volume' as const, target: volume })
      : volume;
  const readOnly = v.read_only ?? false;
  switch (v.type) {
    case 'bind':
      if (!posix.isAbsolute(v.source ?? '.')) relativeBind();
      return {
        type: 'bind',
        source: posix.resolve(workingDir, v.source ?? '.'),
        target: v.target,
        readOnly,
        ...(v.bind?.propagation ? { propagation: v.bind.propagation } : {}),
        ...(v.bind?.selinux ? { selinux: v.bind.selinux } : {}),
        createHostPath: v.bind?.create_host_path ?? false,
      };
    case 'tmpfs': {
      const tmpfs = 'tmpfs' in v ? v.tmpfs : undefined;
      return {
        type: 'tmpfs',
        target: v.target,
        readOnly,
        ...(tmpfs?.size !== undefined ? { sizeBytes: parseBytes(tmpfs.size) ?? 0 } : {}),
        ...(tmpfs?.mode !== undefined ? { mode: octal(tmpfs.mode) } : {}),
      };
    }
    case 'volume':
      return {
        type: 'volume',
        ...(v.source ? { source: v.source } : {}),
        target: v.target,
        readOnly,
        nocopy: v.volume?.nocopy ?? false,
        ...('volume' in v && v.volume && 'subpath' in v.volume && v.volume.subpath
          ? { subpath: v.volume.subpath }
          : {}),
      };
  }
}

function octal(mode: number | string): number {
  return typeof mode === 'number' ? mode : parseInt(mode, 8);
}

function normalizeDependsOn(value: RawService['depends_on']): Record<string, M.Dependency> {
  const out: Record<string, M.Dependency> = {};
  if (Array.isArray(value)) {
    for (const name of value)
      out[name] = { condition: 'service_started', required: true, restart: false };
  } else if (value) {
    for (const [name, dep] of Object.entries(value)) {
      out[name] = {
        condition: dep.condition,
        required: dep.required ?? true,
        restart: dep.restart ?? false,
      };
    }
  }
  return out;
}

function normalizeHealthcheck(h: NonNullable<RawService['healthcheck']>): M.Healthcheck {
  const test =
    h.disable === true
      ? ['NONE']
      : typeof h.test === 'string'
        ? ['CMD-SHELL', h.test]
        : (h.test ?? []);
  const ns = (value: string | number | undefined) =>
    value === undefined ? undefined : parseDuration(value);
  const out: M.Healthcheck = { test };
  const interval = ns(h.interval);
  const timeout = ns(h.timeout);
  const startPeriod = ns(h.start_period);
  const startInterval = ns(h.start_interval);
  if (interval !== undefined) out.intervalNs = interval;
  if (timeout !== undefined) out.timeoutNs = timeout;
  if (startPeriod !== undefined) out.startPeriodNs = startPeriod;
  if (startInterval !== undefined) out.startIntervalNs = startInterval;
  if (h.retries !== undefined) out.retries = h.retries;
  return out;
}

function normalizeResources(
  r: { cpus?: number | string; memory?: number | string; pids?: number } | undefined,
): M.Resources {
  const out: M.Resources = {};
  if (r?.cpus !== undefined) out.cpus = Number(r.cpus);
  if (r?.memory !== undefined) out.memoryBytes = parseBytes(r.memory) ?? 0;
  if (r?.pids !== undefined) out.pids = r.pids;
  return out;
}

function normalizeDevice(device: NonNullable<RawService['devices']>[number]): M.DeviceMapping {
  if (typeof device !== 'string') {
    return {
      source: device.source,
      target: device.target ?? device.source,
      permissions: device.permissions ?? 'rwm',
    };
  }
  const [source = '', target, permissions] = device.split(':');
  return { source, target: target ?? source, permissions: permissions ?? 'rwm' };
}

function normalizeExtraHosts(value: RawService['extra_hosts']): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) {
    // `host=ip` and `host:ip` are both accepted; the engine takes `host:ip`.
    return value.map((entry) => (entry.includes('=') ? entry.replace('=', ':') : entry));
  }
  return Object.entries(value).flatMap(([host, ips]) =>
    (Array.isArray(ips) ? ips : [ips]).map((ip) => `${host}:${ip}`),
  );
}

function normalizePullPolicy(
  policy: RawService['pull_policy'],
  buildOnly: boolean,
): M.ServiceSpec['pullPolicy'] {
  if (policy === 'if_not_present' || policy === undefined) return buildOnly ? 'build' : 'missing';
  return policy;
}

function normalizeFileMount(
  ref: NonNullable<RawService['secrets']>[number],
  prefix: string,
): M.FileMount {
  if (typeof ref === 'string') return { source: ref, target: prefix + ref };
  const target = ref.target ?? ref.source;
  return {
    source: ref.source,
    target: target.startsWith('/') ? target : prefix + target,
    ...(ref.uid !== undefined ? { uid: ref.uid } : {}),
    ...(ref.gid !== undefined ? { gid: ref.gid } : {}),
    ...(ref.mode !== undefined ? { mode: octal(ref.mode) } : {}),
  };
}

function normalizeNetwork(
  project: string,
  key: string,
  n: NonNullable<NonNullable<Raw['networks']>[string]>,
): M.NetworkSpec {
  return {
    name: n.name ?? (n.external ? key : `${project}_${key}`),
    external: n.external ?? false,
    ...(n.driver ? { driver: n.driver } : {}),
    driverOpts: stringMap(n.driver_opts),
    ...(n.ipam
      ? {
          ipam: {
            ...(n.ipam.driver ? { driver: n.ipam.driver } : {}),
            config: (n.ipam.config ?? []).map((c) => ({
              ...(c.subnet ? { subnet: c.subnet } : {}),
              ...(c.ip_range ? { ipRange: c.ip_range } : {}),
              ...(c.gateway ? { gateway: c.gateway } : {}),
              auxAddresses: c.aux_addresses ?? {},
            })),
            options: n.ipam.options ?? {},
          },
        }
      : {}),
    internal: n.internal ?? false,
    attachable: n.attachable ?? false,
    enableIpv6: n.enable_ipv6 ?? false,
    labels: dictionary(n.labels),
  };
}

/** Every service, network, volume, secret and config a service names must exist. */
function checkReferences(project: M.ComposeProject, raw: Raw, report: Report): void {
  const all = raw.services ?? {};
  for (const service of Object.values(project.services)) {
    const at = (...rest: PathSegment[]): PathSegment[] => ['services', service.name, ...rest];
    for (const dependency of Object.keys(service.dependsOn)) {
      if (!(dependency in all)) {
        report(at('depends_on', dependency), `depends on undefined service ${dependency}`);
      } else if (!(dependency in project.services) && service.dependsOn[dependency]?.required) {
        report(
          at('depends_on', dependency),
          `depends on service ${dependency}, which is disabled by its profiles`,
        );
      }
    }
    for (const network of Object.keys(service.networks)) {
      if (!(network in project.networks)) {
        report(at('networks', network), `refers to undefined network ${network}`);
      }
    }
    service.volumes.forEach((mount, i) => {
      if (mount.type === 'volume' && mount.source && !(mount.source in project.volumes)) {
        report(at('volumes', i), `refers to undefined volume ${mount.source}`);
      }
    });
    for (const kind of ['secrets', 'configs'] as const) {
      service[kind].forEach((ref, i) => {
        if (!(ref.source in project[kind])) {
          report(
            at(kind, i),
            `refers to undefined ${kind === 'secrets' ? 'secret' : 'config'} ${ref.source}`,
          );
        }
      });
    }
    if (service.networkMode?.startsWith('service:')) {
      const target = service.networkMode.slice('service:'.length);
      if (!(target in project.services)) {
        report(at('network_mode'), `refers to undefined service ${target}`);
      }
    }
  }
}
