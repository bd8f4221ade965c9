import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { TCreateHostRequest } from '@berth/shared';

/**
 * The test fleet started by scripts/fleet/fleet.sh: real engines in their own network namespaces
 * (a, b over unix sockets, c over TCP + mutual TLS, d over SSH) and a private registry.
 */
export interface Fleet {
  dir: string;
  image: string;
  a: string;
  b: string;
  c: { url: string; socket: string; ca: string; cert: string; key: string };
  d: {
    url: string;
    socket: string;
    key: string;
    keyWithPassphrase: string;
    passphrase: string;
    /** The sshd's host key: `type base64` as ssh-keyscan prints it, and its SHA256 fingerprint. */
    hostKey: string;
    hostKeyFingerprint: string;
  };
  registry: { address: string; username: string; password: string };
  /**
   * The registry with bearer-token auth and its token service; `reader` may pull but not push,
   * delete or list the catalog. Null in a fleet started before it was added.
   */
  tokenRegistry: {
    address: string;
    username: string;
    password: string;
    reader: string;
    readerPassword: string;
    tokenService: string;
  } | null;
  script: string;
}

let cached: Fleet | undefined;

export function fleet(): Fleet {
  if (cached) return cached;
  const file = process.env.BERTH_FLEET_ENV ?? '/tmp/berth-fleet/fleet.env';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `no test fleet: ${file} is missing. Start it with \`bash scripts/fleet/fleet.sh up\` (npm test does).`,
    );
  }
  const env = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const get = (key: string): string => {
    const value = env[`BERTH_FLEET_${key}`];
    if (value === undefined) throw new Error(`fleet.env has no BERTH_FLEET_${key}`);
    return value;
  };
  const read = (path: string) => readFileSync(path, 'utf8');
  cached = {
    dir: get('DIR'),
    image: get('IMAGE'),
    a: get('A_URL'),
    b: get('B_URL'),
    c: {
      url: get('C_URL'),
      socket: get('C_SOCKET'),
      ca: read(get('C_CA')),
      cert: read(get('C_CERT')),
      key: read(get('C_KEY')),
    },
    d: {
      url: get('D_URL'),
      socket: get('D_SOCKET'),
      key: read(get('D_KEY')),
      keyWithPassphrase: read(get('D_KEY_PASS')),
      passphrase: get('D_PASSPHRASE'),
      hostKey: `${get('D_HOST_KEY_TYPE')} ${get('D_HOST_KEY')}`,
      hostKeyFingerprint: get('D_HOST_KEY_FINGERPRINT'),
    },
    registry: {
      address: get('REGISTRY'),
      username: get('REGISTRY_USER'),
      password: get('REGISTRY_PASSWORD'),
    },
    tokenRegistry: env.BERTH_FLEET_TOKEN_REGISTRY
      ? {
          address: get('TOKEN_REGISTRY'),
          username: get('TOKEN_REGISTRY_USER'),
          password: get('TOKEN_REGISTRY_PASSWORD'),
          reader: get('TOKEN_REGISTRY_READER'),
          readerPassword: get('TOKEN_REGISTRY_READER_PASSWORD'),
          tokenService: get('TOKEN_SERVICE'),
        }
      : null,
    script: new URL('../../../../scripts/fleet/fleet.sh', import.meta.url).pathname,
  };
  return cached;
}

export type FleetHostName = 'a' | 'b' | 'c' | 'd';

/** One engine of the fleet: how Berth registers it and the engine's own socket, for comparison. */
export interface FleetHost {
  name: FleetHostName;
  kind: 'unix' | 'tls' | 'ssh';
  /** The body of `POST /api/hosts`; the SSH host uses the key without passphrase (faster). */
  registration: TCreateHostRequest;
  /** The engine's own unix socket as a DOCKER_HOST value, bypassing Berth. */
  direct: string;
  /** What `docker info` reports as Name. */
  engineName: string;
}

export function fleetHost(name: FleetHostName): FleetHost {
  const f = fleet();
  const common = { name, engineName: `berth-${name}` };
  switch (name) {
    case 'a':
    case 'b':
      return { ...common, kind: 'unix', registration: { name, url: f[name] }, direct: f[name] };
    case 'c':
      return {
        ...common,
        kind: 'tls',
        registration: { name, url: f.c.url, tls: { ca: f.c.ca, cert: f.c.cert, key: f.c.key } },
        direct: f.c.socket,
      };
    case 'd':
      return {
        ...common,
        kind: 'ssh',
        registration: { name, url: f.d.url, ssh: { privateKey: f.d.key } },
        direct: f.d.socket,
      };
  }
}

/** Runs `scripts/fleet/fleet.sh` (e.g. `stop-host b --kill`, `start-host b`) without blocking. */
export async function fleetScript(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [fleet().script, ...args], {
    timeout: 60_000,
  });
  return stdout;
}

/**
 * Host e, the manager of the two-node swarm (overlay networks, services): how Berth registers it and
 * its engine's socket. Null on a fleet started before it was added (`fleet.sh up` adds it).
 */
export function swarmHost(): { registration: TCreateHostRequest; direct: string } | null {
  const file = process.env.BERTH_FLEET_ENV ?? '/tmp/berth-fleet/fleet.env';
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('BERTH_FLEET_E_URL='));
  const url = line?.slice('BERTH_FLEET_E_URL='.length);
  return url ? { registration: { name: 'e', url }, direct: url } : null;
}

/**
 * Host f, the worker of host e's swarm (joined over the link between their namespaces): how Berth
 * registers it and its engine's socket. Null on a fleet started before it was added.
 */
export function swarmWorker(): { registration: TCreateHostRequest; direct: string } | null {
  const file = process.env.BERTH_FLEET_ENV ?? '/tmp/berth-fleet/fleet.env';
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('BERTH_FLEET_F_URL='));
  const url = line?.slice('BERTH_FLEET_F_URL='.length);
  return url ? { registration: { name: 'f', url }, direct: url } : null;
}
