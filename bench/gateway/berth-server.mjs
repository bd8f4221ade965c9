import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { berthTarget, callJson, closeTarget } from './http-client.mjs';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Builds the server when its output is missing or older than its sources. Others edit the server
 * while benches run, so a failing build stops the bench instead of measuring a stale binary.
 */
export function ensureBuilt(repoRoot, log) {
  const serverDir = join(repoRoot, 'apps/server');
  const entry = join(serverDir, 'dist/main.js');
  if (existsSync(entry) && newestMtime(join(serverDir, 'src')) <= statSync(entry).mtimeMs)
    return entry;
  log('building the server (npx tsc -p apps/server/tsconfig.build.json)…');
  try {
    // tsconfig.json only type-checks (src and test); the build configuration emits dist/.
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
      cwd: serverDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`the server does not build; fix it or pass --server FILE\n${output}`, {
      cause: error,
    });
  }
  return entry;
}

/** Newest modification time of the compiled sources (tests are not compiled into dist). */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * A private Berth: its own port, data directory (fresh SQLite database) and administrator, bound
 * to 127.0.0.1. The environment is not inherited wholesale: a DATABASE_URL or BERTH_* of the
 * caller's shell would point the bench at someone else's data. `env` adds the bench's own (a
 * PostgreSQL database and Redis for replicas); replicas share one `password`.
 */
export async function startBerth({
  entry,
  repoRoot,
  logLevel,
  dataDir,
  env = {},
  password = randomBytes(12).toString('base64url'),
  startTimeoutMs = START_TIMEOUT_MS,
}) {
  const port = await freePort();
  const logPath = join(dataDir, 'server.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: { ...serverEnv({ port, dataDir, password, logLevel, repoRoot }), ...env },
    stdio: ['ignore', logFd, logFd],
  });
  const server = { port, password, logPath, child, exited: once(child, 'exit') };
  try {
    await waitForHealth(server, startTimeoutMs);
  } catch (error) {
    await stopBerth(server);
    throw new Error(`${error.message}\n--- server log ---\n${tail(logPath)}`, { cause: error });
  }
  return server;
}

/**
 * `startBerth` with a fresh data directory, both undone by `cleanup` (the server first). The
 * sections of bench/run.mjs each start their own this way.
 */
export async function startCleanedBerth(cleanup, options) {
  const dataDir = makeDataDir();
  cleanup.add('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startBerth({ logLevel: 'warn', ...options, dataDir });
  cleanup.add('stop Berth', () => stopBerth(server));
  return server;
}

export function makeDataDir() {
  return mkdtempSync(join(tmpdir(), 'berth-bench-'));
}

/**
 * The memory settings Berth's image starts the server with (its Dockerfile's `ENV MALLOC_ARENA_MAX=…
 * NODE_OPTIONS="…"`; scripts/start.sh sets the same): every bench measures the server as it runs.
 */
export function shippedMemoryEnv(repoRoot) {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const env = /^ENV MALLOC_ARENA_MAX=(\S+) NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  if (!env) throw new Error('the Dockerfile sets no MALLOC_ARENA_MAX and NODE_OPTIONS');
  return { MALLOC_ARENA_MAX: env[1], NODE_OPTIONS: env[2] };
}

function serverEnv({ port, dataDir, password, logLevel, repoRoot }) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(BERTH_|DATABASE_URL$|LOG_LEVEL$|PORT$|NODE_OPTIONS$|MALLOC_ARENA_MAX$)/.test(name))
      env[name] = value;
  }
  return {
    ...env,
    ...shippedMemoryEnv(repoRoot),
    PORT: String(port),
    BERTH_BIND: '127.0.0.1',
    BERTH_DATA_DIR: dataDir,
    BERTH_WEB: 'off',
    BERTH_LOCAL_SOCKET: '',
    BERTH_ADMIN_PASSWORD: password,
    LOG_LEVEL: logLevel,
  };
}

/** Asks the kernel for a free port; the short race until the server binds it is acceptable here. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(server, timeoutMs) {
  const target = berthTarget(server.port);
  const deadline = Date.now() + timeoutMs;
  let exitCode;
  void server.exited.then(([code]) => (exitCode = code ?? 'signal'));
  try {
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`the server exited (${exitCode}) while starting`);
      try {
        await callJson(target, 'GET', '/api/health', { expect: [200] });
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`the server did not answer /api/health within ${timeoutMs / 1000} s`);
  } finally {
    closeTarget(target);
  }
}

/** SIGTERM for a clean stop; SIGKILL if it hangs, so the bench never leaves a server behind. */
export async function stopBerth(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const stopped = await Promise.race([
    server.exited.then(() => true),
    sleep(STOP_TIMEOUT_MS, false),
  ]);
  if (!stopped) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

/**
 * Signs in as the administrator, makes an API token and registers the engine, the way a person
 * would before pointing a script at the gateway. Returns what the gateway target needs.
 */
export async function registerEngine(server, engineUrl, hostName) {
  const token = await adminToken(server);
  const hostId = await addHost(server.port, token, hostName, engineUrl);
  return { token, hostId };
}

/** An API token of the administrator, made after signing in with the password. */
export async function adminToken(server) {
  const api = berthTarget(server.port);
  try {
    const login = await callJson(api, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: server.password },
    });
    const cookie = sessionCookie(login.headers['set-cookie']);
    const { json: token } = await callJson(api, 'POST', '/api/tokens', {
      body: { name: 'bench' },
      headers: { cookie, 'x-csrf-token': login.json.csrfToken },
      expect: [201],
    });
    return token.token;
  } finally {
    closeTarget(api);
  }
}

/** Registers an engine as a host; it must answer, or the measurement would be of errors. */
export async function addHost(port, token, hostName, engineUrl) {
  const api = berthTarget(port);
  try {
    const { json: host } = await callJson(api, 'POST', '/api/hosts', {
      body: { name: hostName, url: engineUrl },
      headers: { authorization: `Bearer ${token}` },
      expect: [201],
    });
    if (host.status !== 'up') throw new Error(`Berth sees host ${hostName} as ${host.status}`);
    return host.id;
  } finally {
    closeTarget(api);
  }
}

function sessionCookie(setCookie = []) {
  const pair = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('berth_session='));
  if (!pair) throw new Error('login did not set the berth_session cookie');
  return pair;
}

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

function tail(path, lines = 30) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
