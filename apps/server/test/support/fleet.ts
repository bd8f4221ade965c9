import { readFileSync } from 'node:fs';

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
  d: { url: string; socket: string; key: string; keyWithPassphrase: string; passphrase: string };
  registry: { address: string; username: string; password: string };
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
    },
    registry: {
      address: get('REGISTRY'),
      username: get('REGISTRY_USER'),
      password: get('REGISTRY_PASSWORD'),
    },
    script: new URL('../../../../scripts/fleet/fleet.sh', import.meta.url).pathname,
  };
  return cached;
}
