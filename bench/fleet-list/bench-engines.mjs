import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Extra plain engines from the test fleet's script (`fleet.sh bench-up N`): each in its own
 * network namespace with its own data-root and unix socket. Spawned, not run synchronously, so a
 * Ctrl-C meanwhile reaches the bench's cleanup.
 */
export async function startBenchEngines(repoRoot, count) {
  const stdout = await fleetScript(repoRoot, ['bench-up', String(count)]);
  const urls = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('unix://'));
  if (urls.length !== count) throw new Error(`fleet.sh bench-up gave ${urls.length} engines`);
  return urls.map((url, index) => ({
    name: `bench-${String(index + 1).padStart(2, '0')}`,
    url,
    socketPath: url.slice('unix://'.length),
    dockerdPidFile: join(url.slice('unix://'.length), '../dockerd.pid'),
  }));
}

/** Stops every benchmark engine and deletes its state. */
export function stopBenchEngines(repoRoot) {
  return fleetScript(repoRoot, ['bench-down']);
}

function fleetScript(repoRoot, args) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'scripts/fleet/fleet.sh'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`fleet.sh ${args.join(' ')} failed (${code ?? signal})`));
    });
  });
}
