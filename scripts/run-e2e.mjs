#!/usr/bin/env node
// Runs the Playwright specs against a real Berth (built dashboard + API) with a fresh data
// directory and the test fleet's host b registered (and host e, its swarm manager, when the fleet
// has one), then stops it. Used by scripts/test.sh.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const password = 'e2e-admin-password-1';
const hostName = 'fleet-b';
const swarmHostName = 'fleet-e';

function fleetValue(key, fallback) {
  const file = process.env.BERTH_FLEET_ENV ?? '/tmp/berth-fleet/fleet.env';
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  if (!line) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${file} has no ${key}`);
  }
  return line.slice(key.length + 1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child) {
  for (let i = 0; i < 480; i += 1) {
    if (child.exitCode !== null) throw new Error(`Berth exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('Berth did not answer /api/health within 120 s');
}

async function registerHosts(url) {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrfToken } = await login.json();
  const hosts = [[hostName, fleetValue('BERTH_FLEET_B_URL')]];
  const swarmUrl = fleetValue('BERTH_FLEET_E_URL', '');
  if (swarmUrl) hosts.push([swarmHostName, swarmUrl]);
  for (const [name, hostUrl] of hosts) {
    const res = await fetch(`${url}/api/hosts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name, url: hostUrl, tags: ['e2e'] }),
    });
    if (res.status !== 201)
      throw new Error(`adding ${name} failed: ${res.status} ${await res.text()}`);
  }
  return swarmUrl ? swarmHostName : '';
}

function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = spawn('node', ['apps/server/dist/main.js'], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    BERTH_BIND: '127.0.0.1',
    BERTH_DATA_DIR: dataDir,
    BERTH_ADMIN_PASSWORD: password,
    BERTH_LOCAL_SOCKET: '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let code = 1;
try {
  await waitForHealth(url, server);
  const swarmHost = await registerHosts(url);
  code = await run(
    'npx',
    ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)],
    {
      ...process.env,
      BERTH_URL: url,
      BERTH_ADMIN_PASSWORD: password,
      BERTH_E2E_HOST_NAME: hostName,
      BERTH_E2E_SWARM_HOST_NAME: swarmHost,
    },
  );
} catch (error) {
  console.error(`e2e: ${error.message}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('close', r));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
