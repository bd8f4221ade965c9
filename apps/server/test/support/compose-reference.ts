import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { type CliTarget, dockerOk } from './docker-cli.js';

const run = promisify(execFile);

/** Debian's docker-compose 1.29.2 (the Python v1): the reference Berth's deployments are compared with. */
export const DOCKER_COMPOSE = process.env.BERTH_DOCKER_COMPOSE ?? '/usr/bin/docker-compose';

export const readFixtureFile = (path: string): string | undefined =>
  existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;

/** The fixture's files in the order Compose merges them (compose.yaml, then the override). */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name === 'compose.yaml' || name === 'compose.override.yaml')
    .sort((a, b) => a.length - b.length);
}

/** `docker-compose --compatibility -p NAME -f … ARGS` in the fixture's folder, on one engine. */
export async function dockerCompose(
  socketUrl: string,
  dir: string,
  project: string,
  args: string[],
): Promise<string> {
  const files = fixtureFiles(dir).flatMap((f) => ['-f', f]);
  try {
    const { stdout } = await run(
      DOCKER_COMPOSE,
      ['--compatibility', '--ansi', 'never', '-p', project, ...files, ...args],
      {
        cwd: dir,
        env: { ...process.env, DOCKER_HOST: socketUrl, COMPOSE_INTERACTIVE_NO_CLI: '1' },
        timeout: 120_000,
      },
    );
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`docker-compose ${args.join(' ')} in ${dir}: ${e.stderr ?? e.message}`, {
      cause: error,
    });
  }
}

/** Everything the comparison looks at of one project on one engine, names normalised. */
export interface ProjectSnapshot {
  containers: Record<string, unknown>;
  networks: Record<string, unknown>;
  volumes: Record<string, unknown>;
}

const COMPOSE_PRIVATE = /^com\.docker\.compose\./;

function publicLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels ?? {})
      .filter(([key]) => !COMPOSE_PRIVATE.test(key) && !key.startsWith('berth.'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** `<project>_<service>_<n>` (v1) and `<project>-<service>-<n>` (v2) both become `<service>#<n>`. */
function containerKey(labels: Record<string, string>, name: string): string {
  const service = labels['com.docker.compose.service'] ?? '';
  const number = labels['com.docker.compose.container-number'] ?? '1';
  const project = labels['com.docker.compose.project'] ?? '';
  const composed = [`${project}_${service}_${number}`, `${project}-${service}-${number}`];
  return composed.includes(name) ? `${service}#${number}` : `${service}:${name}`;
}

const isEmpty = (value: unknown) =>
  value === null ||
  value === undefined ||
  (typeof value === 'object' && Object.keys(value).length === 0);

/** Addresses the engine picked from its default pools, which differ from engine to engine. */
const AUTOMATIC = /^(172\.(1[7-9]|2\d|3[01])\.\d+\.\d+|192\.168\.\d+\.\d+)(\/\d+)?$/;

function ipamView(ipam: {
  Driver: string;
  Options: unknown;
  Config: Record<string, string>[] | null;
}) {
  return {
    driver: ipam.Driver,
    options: ipam.Options ?? {},
    config: (ipam.Config ?? []).map((c) =>
      Object.fromEntries(
        Object.entries(c).map(([key, value]) => [
          key,
          AUTOMATIC.test(value) ? '<automatic>' : value,
        ]),
      ),
    ),
  };
}

/** An object with its keys in order, so a difference shows at the same place on both sides. */
function byKey(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

const sorted = <T>(items: T[] | null | undefined): T[] =>
  [...(items ?? [])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

interface Inspect {
  Id: string;
  Name: string;
  Config: Record<string, unknown> & { Labels: Record<string, string>; Env: string[] | null };
  HostConfig: Record<string, unknown>;
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: {
    Networks: Record<string, { Aliases: string[] | null; IPAMConfig: unknown }>;
  };
}

function containerView(c: Inspect, project: string, anonymous: Set<string>) {
  const h = c.HostConfig;
  const name = c.Name.replace(/^\//, '');
  const labels = c.Config.Labels;
  const ownNames = new Set([name, c.Id.slice(0, 12), labels['com.docker.compose.service'] ?? '']);
  return {
    image: c.Config.Image,
    command: c.Config.Cmd,
    entrypoint: c.Config.Entrypoint,
    env: sorted(c.Config.Env),
    user: c.Config.User,
    workingDir: c.Config.WorkingDir,
    hostname: c.Config.Hostname === c.Id.slice(0, 12) ? '<id>' : c.Config.Hostname,
    domainname: c.Config.Domainname,
    exposed: Object.keys((c.Config.ExposedPorts as object | null) ?? {}).sort(),
    healthcheck: c.Config.Healthcheck ?? null,
    stopSignal: c.Config.StopSignal ?? null,
    stopTimeout: c.Config.StopTimeout ?? null,
    tty: c.Config.Tty,
    stdin: c.Config.OpenStdin,
    labels: publicLabels(labels),
    ports: h.PortBindings ?? {},
    mounts: sorted(
      c.Mounts.map((m) => ({
        type: m.Type,
        source:
          m.Type === 'volume' ? (anonymous.has(m.Name ?? '') ? '<anonymous>' : m.Name) : m.Source,
        target: m.Destination,
        rw: m.RW,
      })),
    ),
    tmpfs: h.Tmpfs ?? {},
    networks: byKey(
      Object.entries(c.NetworkSettings.Networks).map(([net, ep]) => [
        net,
        {
          aliases: sorted((ep.Aliases ?? []).filter((a) => !ownNames.has(a))),
          ipam: isEmpty(ep.IPAMConfig) ? null : ep.IPAMConfig,
        },
      ]),
    ),
    networkMode: String(h.NetworkMode).replace(`${project}_default`, '<default>'),
    restart: h.RestartPolicy,
    resources: {
      nanoCpus: h.NanoCpus,
      cpuQuota: h.CpuQuota,
      cpuPeriod: h.CpuPeriod,
      cpuShares: h.CpuShares,
      memory: h.Memory,
      memoryReservation: h.MemoryReservation,
      shmSize: h.ShmSize,
      ulimits: sorted(h.Ulimits as unknown[]),
      sysctls: h.Sysctls ?? {},
    },
    privileged: h.Privileged,
    readOnly: h.ReadonlyRootfs,
    init: h.Init ?? null,
    capAdd: sorted(h.CapAdd as string[]),
    capDrop: sorted(h.CapDrop as string[]),
    securityOpt: sorted(h.SecurityOpt as string[]),
    pid: h.PidMode,
    ipc: h.IpcMode,
    devices: sorted(h.Devices as unknown[]),
    dns: h.Dns ?? [],
    extraHosts: sorted(h.ExtraHosts as string[]),
    log: h.LogConfig,
  };
}

async function inspectAll<T>(target: CliTarget, kind: string, ids: string[]): Promise<T[]> {
  if (ids.length === 0) return [];
  return JSON.parse(await dockerOk(target, [kind, 'inspect', ...ids])) as T[];
}

async function idsOf(target: CliTarget, args: string[]): Promise<string[]> {
  return (await dockerOk(target, args)).split('\n').filter(Boolean);
}

/** The project's containers, networks and volumes on the engine, in a form both tools should share. */
export async function snapshot(
  target: CliTarget,
  project: string,
  external: { networks: string[]; volumes: string[] } = { networks: [], volumes: [] },
): Promise<ProjectSnapshot> {
  const label = `label=com.docker.compose.project=${project}`;
  const [containerIds, networkIds, volumeNames] = await Promise.all([
    idsOf(target, ['ps', '-aq', '--filter', label]),
    idsOf(target, ['network', 'ls', '-q', '--filter', label]),
    idsOf(target, ['volume', 'ls', '-q', '--filter', label]),
  ]);
  const [containers, networks, volumes] = await Promise.all([
    inspectAll<Inspect>(target, 'container', containerIds),
    inspectAll<{
      Name: string;
      Driver: string;
      Internal: boolean;
      Attachable: boolean;
      EnableIPv6: boolean;
      Options: Record<string, string> | null;
      IPAM: { Driver: string; Options: unknown; Config: Record<string, string>[] | null };
      Labels: Record<string, string> | null;
    }>(target, 'network', [...networkIds, ...external.networks]),
    inspectAll<{
      Name: string;
      Driver: string;
      Options: Record<string, string> | null;
      Labels: Record<string, string> | null;
    }>(target, 'volume', [...volumeNames, ...external.volumes]),
  ]);
  // Anonymous volumes carry no compose labels in either tool: every mounted volume that is not a
  // project or external volume is one.
  const known = new Set(volumes.map((v) => v.Name));
  const anonymous = new Set(
    containers.flatMap((c) =>
      c.Mounts.filter((m) => m.Type === 'volume' && !known.has(m.Name ?? '')).map(
        (m) => m.Name ?? '',
      ),
    ),
  );
  return {
    containers: byKey(
      containers.map((c) => [
        containerKey(c.Config.Labels, c.Name.replace(/^\//, '')),
        containerView(c, project, anonymous),
      ]),
    ),
    networks: byKey(
      networks.map((n) => [
        n.Name,
        {
          driver: n.Driver,
          internal: n.Internal,
          attachable: n.Attachable,
          ipv6: n.EnableIPv6,
          options: n.Options ?? {},
          ipam: ipamView(n.IPAM),
          labels: publicLabels(n.Labels),
        },
      ]),
    ),
    volumes: byKey(
      volumes.map((v) => [
        v.Name,
        { driver: v.Driver, options: v.Options ?? {}, labels: publicLabels(v.Labels) },
      ]),
    ),
  };
}

/** Removes every container, network and volume labelled with the project (what both tools made). */
export async function removeProject(target: CliTarget, project: string): Promise<void> {
  const label = `label=com.docker.compose.project=${project}`;
  const containers = await idsOf(target, ['ps', '-aq', '--filter', label]);
  if (containers.length > 0) await dockerOk(target, ['rm', '-f', '-v', ...containers]);
  const networks = await idsOf(target, ['network', 'ls', '-q', '--filter', label]);
  if (networks.length > 0) await dockerOk(target, ['network', 'rm', ...networks]);
  const volumes = await idsOf(target, ['volume', 'ls', '-q', '--filter', label]);
  if (volumes.length > 0) await dockerOk(target, ['volume', 'rm', '-f', ...volumes]);
}

/** Runs `work` over the items with at most `limit` at a time. */
export async function inBatches<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}
