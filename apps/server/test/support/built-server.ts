import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { settlesWithin } from '../../src/common/settles-within.js';
import { waitFor } from './berth.js';

// The built server (`npx tsc -p apps/server/tsconfig.build.json`), as `npm start` runs it;
// BERTH_TEST_SERVER_MAIN names another build (to run a test against an earlier commit).
const MAIN =
  process.env.BERTH_TEST_SERVER_MAIN ?? new URL('../../dist/main.js', import.meta.url).pathname;

/** The built server running as its own process, as `npm start` runs it. */
export interface BuiltServer {
  url: string;
  child: ChildProcess;
  /** The `msg` of every JSON log line printed so far. */
  messages: () => string[];
  /** The exit code, or null when it had not exited within `ms`. */
  exited: (ms: number) => Promise<number | null>;
}

/** Starts the built server with `env` on a free port and waits (`readyMs`) until it answers. */
export async function startBuilt(
  env: Record<string, string>,
  // Starting takes a few seconds; on two cores shared with a build and other suites, far more.
  readyMs = 120_000,
): Promise<BuiltServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      BERTH_BIND: '127.0.0.1',
      BERTH_WEB: 'off',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the server exited: ${stdout}`);
      return (await fetch(`${url}/api/health`).catch(() => null))?.ok === true;
    },
    readyMs,
    'the server to answer',
  ).catch((error: unknown) => {
    // A server that never answered is not left running after the test.
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    child,
    messages: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? ''),
    exited: async (ms) => ((await settlesWithin(exit, ms)) ? exit : null),
  };
}

/** A port nothing listens on now (the kernel's pick, released for the server to take). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
