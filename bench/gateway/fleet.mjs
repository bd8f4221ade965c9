import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callJson, closeTarget, engineTarget } from './http-client.mjs';

const FLEET_ENV = '/tmp/berth-fleet/fleet.env';

/**
 * The engine of one fleet host, starting the fleet when it is not answering. `fleet.sh up` is a
 * no-op on a healthy fleet, so it is only run when needed: it takes a lock and several seconds.
 */
export async function fleetEngine(repoRoot, host, log) {
  let env = existsSync(FLEET_ENV) ? readEnvFile(FLEET_ENV) : null;
  if (!env || !(await answers(socketOf(env, host)))) {
    log('starting the test fleet (scripts/fleet/fleet.sh up)…');
    execFileSync('bash', [join(repoRoot, 'scripts/fleet/fleet.sh'), 'up'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    env = readEnvFile(FLEET_ENV);
  }
  const socketPath = socketOf(env, host);
  return {
    url: `unix://${socketPath}`,
    socketPath,
    image: env.BERTH_FLEET_IMAGE ?? 'local/busybox:latest',
    dockerdPidFile: join(env.BERTH_FLEET_DIR ?? '/tmp/berth-fleet', host, 'dockerd.pid'),
  };
}

/** KEY=VALUE lines; values never need quoting (scripts/fleet/README.md). */
function readEnvFile(path) {
  const env = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

function socketOf(env, host) {
  const url = env[`BERTH_FLEET_${host.toUpperCase()}_URL`] ?? '';
  if (!url.startsWith('unix://')) throw new Error(`fleet host ${host} has no unix socket URL`);
  return url.slice('unix://'.length);
}

async function answers(socketPath) {
  if (!existsSync(socketPath)) return false;
  const target = engineTarget(socketPath);
  try {
    await callJson(target, 'GET', '/version');
    return true;
  } catch {
    return false;
  } finally {
    closeTarget(target);
  }
}
