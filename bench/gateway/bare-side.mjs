import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Starts the bare Node proxy (`bare-proxy.mjs`) in front of the engine's socket, stopped by
 * `cleanup`: what any Node hop costs, measured beside Berth. Answers its port and pid.
 */
export async function startBareProxy(socketPath, cleanup) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./bare-proxy.mjs', import.meta.url)), socketPath],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  cleanup.add('stop the bare Node proxy', () => child.kill());
  const [line] = await once(child.stdout, 'data');
  return { port: Number(String(line).trim()), pid: child.pid };
}
