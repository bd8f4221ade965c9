import type { ContainerInspectInput, ImageDefaults } from './compose-from-containers.js';
import { type ContainerCreateBody } from './container-create.js';

/** The inspect of a container made by another tool, with the bind mounts it was given. */
export type MatchedInspect = ContainerInspectInput & {
  HostConfig: ContainerInspectInput['HostConfig'] & { Binds?: string[] | null };
};

/**
 * What differs between a container that runs and the one a create body would make: the image,
 * command, entrypoint, environment, labels, published ports, mounts and restart policy. Used to
 * take over containers that another compose tool made (whose config hash Berth cannot compute):
 * an empty answer means the file describes the container as it runs.
 */
export function containerDifferences(
  body: ContainerCreateBody,
  inspect: MatchedInspect,
  options: { image?: ImageDefaults; ignoreLabel?: (key: string) => boolean },
): string[] {
  const differences: string[] = [];
  const config = inspect.Config;
  if (imageName(body.Image) !== imageName(config.Image)) differences.push('image');
  const inherited = options.image ?? {};
  if (!sameList(body.Cmd ?? inherited.Cmd, config.Cmd)) differences.push('command');
  if (!sameList(body.Entrypoint ?? inherited.Entrypoint, config.Entrypoint)) {
    differences.push('entrypoint');
  }
  const wantedEnv = new Set([...(inherited.Env ?? []), ...body.Env]);
  const env = new Set(config.Env ?? []);
  if (!sameSet(wantedEnv, env, (entry) => !inherited.Env?.includes(entry))) {
    differences.push('environment');
  }
  const ignored = (key: string) =>
    key.startsWith('com.docker.compose.') || (options.ignoreLabel?.(key) ?? false);
  const labels = (all: Record<string, string> | null | undefined) =>
    Object.entries(all ?? {})
      .filter(([key, value]) => !ignored(key) && inherited.Labels?.[key] !== value)
      .map(([key, value]) => `${key}=${value}`);
  if (!sameSet(new Set(labels(body.Labels)), new Set(labels(config.Labels)))) {
    differences.push('labels');
  }
  if (!sameSet(bindings(body.HostConfig.PortBindings), bindings(inspect.HostConfig.PortBindings))) {
    differences.push('ports');
  }
  if (!sameSet(wantedMounts(body), runningMounts(inspect))) differences.push('volumes');
  const restart = (name: string | undefined) => (name === 'no' || !name ? '' : name);
  if (
    restart(body.HostConfig.RestartPolicy.Name) !== restart(inspect.HostConfig.RestartPolicy?.Name)
  ) {
    differences.push('restart');
  }
  return differences;
}

/** `busybox` and `docker.io/library/busybox:latest` name one image. */
function imageName(ref: string): string {
  const withoutRegistry = ref.replace(/^(docker\.io\/)?(library\/)?/, '');
  const lastPart = withoutRegistry.split('/').pop() ?? '';
  return lastPart.includes(':') || lastPart.includes('@')
    ? withoutRegistry
    : `${withoutRegistry}:latest`;
}

function sameList(a: string[] | null | undefined, b: string[] | null | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** Equal sets; with `counted`, only the members it accepts on the running side must be wanted. */
function sameSet(
  wanted: Set<string>,
  running: Set<string>,
  counted: (entry: string) => boolean = () => true,
): boolean {
  for (const entry of wanted) if (!running.has(entry)) return false;
  for (const entry of running) if (counted(entry) && !wanted.has(entry)) return false;
  return true;
}

function bindings(
  ports: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null | undefined,
): Set<string> {
  const out = new Set<string>();
  for (const [port, binds] of Object.entries(ports ?? {})) {
    for (const bind of binds ?? []) {
      const ip = bind.HostIp === '0.0.0.0' ? '' : (bind.HostIp ?? '');
      out.add(`${ip}:${bind.HostPort ?? ''}:${port}`);
    }
  }
  return out;
}

function wantedMounts(body: ContainerCreateBody): Set<string> {
  const out = new Set<string>();
  for (const mount of body.HostConfig.Mounts) {
    if (mount.Type === 'tmpfs' || !mount.Source) continue;
    out.add(`${mount.Source ?? ''}:${mount.Target}:${mount.ReadOnly ? 'ro' : 'rw'}`);
  }
  for (const bind of body.HostConfig.Binds) out.add(bindKey(bind));
  return out;
}

function bindKey(bind: string): string {
  const [source = '', target = '', mode = ''] = bind.split(':');
  return `${source}:${target}:${mode.split(',').includes('ro') ? 'ro' : 'rw'}`;
}

/** Named and bind mounts (anonymous volumes have no name a file could give). */
function runningMounts(inspect: MatchedInspect): Set<string> {
  const out = new Set<string>();
  for (const mount of inspect.Mounts ?? []) {
    const source = mount.Type === 'volume' ? (mount.Name ?? '') : (mount.Source ?? '');
    if (mount.Type === 'volume' && /^[0-9a-f]{64}$/.test(source)) continue;
    if (mount.Type !== 'volume' && mount.Type !== 'bind') continue;
    out.add(`${source}:${mount.Destination}:${mount.RW === false ? 'ro' : 'rw'}`);
  }
  return out;
}
