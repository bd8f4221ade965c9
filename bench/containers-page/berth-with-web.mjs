import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { berthTarget, callJson, closeTarget } from '../gateway/http-client.mjs';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Builds the dashboard when it has no build or one older than its sources. `next build` refuses to
 * run next to another one in the same folder; the bench then stops and says so.
 */
export function ensureWebBuilt(repoRoot, log) {
  const webDir = join(repoRoot, 'apps/web');
  const buildId = join(webDir, '.next/BUILD_ID');
  const sources = ['app', 'components', 'lib'].map((dir) => join(webDir, dir));
  if (existsSync(buildId) && newestMtime(sources) <= statSync(buildId).mtimeMs) return;
  log('building the dashboard (next build in apps/web, about a minute)…');
  try {
    execFileSync('npx', ['next', 'build'], {
      cwd: webDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-20);
    throw new Error(`the dashboard does not build:\n${output.join('\n')}`, { cause: error });
  }
}

function newestMtime(dirs) {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile())
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * A private Berth serving the built dashboard, as in production: its own port, data directory
 * and administrator, bound to 127.0.0.1, none of the caller's BERTH_* or DATABASE_URL.
 */
export async function startBerthWithWeb({ entry, repoRoot, dataDir }) {
  const port = await freePort();
  const password = randomBytes(12).toString('base64url');
  const logPath = join(dataDir, 'server.log');
  const logFd = openSync(logPath, 'a');
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(BERTH_|DATABASE_URL$|LOG_LEVEL$|PORT$|NODE_ENV$)/.test(name)) env[name] = value;
  }
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: {
      ...env,
      NODE_ENV: 'production',
      PORT: String(port),
      BERTH_BIND: '127.0.0.1',
      BERTH_DATA_DIR: dataDir,
      BERTH_WEB: 'on',
      BERTH_LOCAL_SOCKET: '',
      BERTH_ADMIN_PASSWORD: password,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', logFd, logFd],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const server = { port, password, child, exited, url: `http://127.0.0.1:${port}` };
  const target = berthTarget(port);
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
      if (Date.now() > deadline) throw new Error('the server did not answer /api/health in time');
      try {
        await callJson(target, 'GET', '/api/health');
        break;
      } catch {
        await sleep(200);
      }
    }
  } catch (error) {
    await stopBerthWithWeb(server);
    const log = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
    throw new Error(`${error.message}\n--- server log ---\n${log}`, { cause: error });
  } finally {
    closeTarget(target);
  }
  return server;
}

export async function stopBerthWithWeb(server) {
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

/** An API session of the administrator: cookie and CSRF token for `callJson`. */
export async function adminSession(server) {
  const api = berthTarget(server.port);
  const login = await callJson(api, 'POST', '/api/auth/login', {
    body: { username: 'admin', password: server.password },
  });
  const cookie = (login.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('berth_session='));
  if (!cookie) throw new Error('login did not set the berth_session cookie');
  return { api, headers: { cookie, 'x-csrf-token': login.json.csrfToken } };
}

export async function registerHost(session, name, url) {
  const { json } = await callJson(session.api, 'POST', '/api/hosts', {
    body: { name, url },
    headers: session.headers,
    expect: [201],
  });
  return json;
}

/**
 * Waits until Berth's inventory lists at least `count` containers (or images, volumes: `kind`);
 * it reads engines at start.
 */
export async function waitForInventory(session, count, timeoutMs, kind = 'containers') {
  const deadline = Date.now() + timeoutMs;
  let total = 0;
  while (Date.now() < deadline) {
    const { json } = await callJson(session.api, 'GET', `/api/${kind}?limit=1`, {
      headers: session.headers,
    });
    total = json.total;
    if (total >= count) return total;
    await sleep(500);
  }
  throw new Error(`Berth lists ${total} ${kind} after ${timeoutMs / 1000} s, expected ${count}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
