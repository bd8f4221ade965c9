import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  addHost,
  adminToken,
  ensureBuilt,
  shippedMemoryEnv,
  startCleanedBerth,
} from '../gateway/berth-server.mjs';
import { berthTarget, callJson, closeTarget } from '../gateway/http-client.mjs';
import { fakeContainers, startFakeEngine } from './fake-engine.mjs';
import { openSocket } from '../realtime/socket.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const HOSTS = 50;
export const DASHBOARDS = 100;
/** Stopped containers each fake engine lists: 1,000 in the inventory. */
const CONTAINERS_PER_HOST = 20;
export const TARGET_MB = 200;
/** Time for the server to settle after each step before its RSS is read. */
const SETTLE_MS = 3_000;
/** What the dashboard's pages subscribe to on every visit (the fleet summary, list and events). */
const DASHBOARD_FEEDS = ['summary.subscribe', 'containers.subscribe', 'events.subscribe'];

/**
 * Berth's resident memory idle, with 50 hosts registered (fake engines on unix sockets, each
 * listing 20 stopped containers) and with 100 dashboards connected on top.
 */
export async function benchMemory(options, cleanup, log) {
  const socketDir = mkdtempSync(join(tmpdir(), 'berth-bench-fakes-'));
  cleanup.add('remove fake engine sockets', () =>
    rmSync(socketDir, { recursive: true, force: true }),
  );
  const fakes = [];
  cleanup.add('stop fake engines', () => Promise.all(fakes.map((f) => f.stop())));
  for (let i = 0; i < HOSTS; i++) {
    const name = `fake-${i}`;
    const containers = fakeContainers(CONTAINERS_PER_HOST, name);
    fakes.push(await startFakeEngine(join(socketDir, `e${i}.sock`), name, containers));
  }

  const entry = options.serverEntry ?? ensureBuilt(REPO_ROOT, log);
  log('memory: starting Berth…');
  const server = await startCleanedBerth(cleanup, { entry, repoRoot: REPO_ROOT });
  const token = await adminToken(server);
  await sleep(SETTLE_MS);
  const idle = rssMb(server.child.pid);

  log(`memory: registering ${HOSTS} hosts…`);
  for (const [i, fake] of fakes.entries()) await addHost(server.port, token, `fake-${i}`, fake.url);
  await waitForInventory(server.port, token, HOSTS * CONTAINERS_PER_HOST);
  await sleep(SETTLE_MS);
  const withHosts = rssMb(server.child.pid);

  log(`memory: connecting ${DASHBOARDS} dashboards…`);
  const sockets = [];
  cleanup.add('disconnect dashboards', () => sockets.forEach((s) => s.disconnect()));
  for (let i = 0; i < DASHBOARDS; i++) sockets.push(await openDashboard(server.port, token));
  await sleep(SETTLE_MS);
  const withDashboards = rssMb(server.child.pid);

  const unknown = [...new Set(fakes.flatMap((f) => [...f.unknown]))].sort();
  const row = (measurement, mb) => ({
    measurement,
    berth: `${mb.toFixed(0)} MB`,
    reference: '',
    ratio: '',
    target: `< ${TARGET_MB} MB`,
    pass: mb < TARGET_MB,
  });
  return {
    rows: [
      row('server RSS, idle', idle),
      row(`server RSS, ${HOSTS} hosts (${HOSTS * CONTAINERS_PER_HOST} containers)`, withHosts),
      row(`server RSS, ${HOSTS} hosts + ${DASHBOARDS} dashboards`, withDashboards),
    ],
    context: {
      hosts: HOSTS,
      containersPerHost: CONTAINERS_PER_HOST,
      dashboards: DASHBOARDS,
      feeds: DASHBOARD_FEEDS,
      serverEnv: shippedMemoryEnv(REPO_ROOT),
      rssMb: { idle, withHosts, withDashboards },
      unansweredByFakes: unknown,
    },
  };
}

/** Until Berth's inventory lists every fake's containers, so the RSS includes them. */
async function waitForInventory(port, token, expected) {
  const api = berthTarget(port);
  const deadline = Date.now() + 60_000;
  let total = -1;
  try {
    while (Date.now() < deadline) {
      const { json } = await callJson(api, 'GET', '/api/containers?limit=1', {
        headers: { authorization: `Bearer ${token}` },
      });
      total = json.total;
      if (total >= expected) return;
      await sleep(250);
    }
    throw new Error(`the inventory listed ${total} of ${expected} containers after 60 s`);
  } finally {
    closeTarget(api);
  }
}

/** A dashboard tab: one socket, the feeds every page of it opens. */
async function openDashboard(port, token) {
  const socket = await openSocket(port, token);
  for (const feed of DASHBOARD_FEEDS) {
    const answer = await socket.timeout(30_000).emitWithAck(feed, {});
    if (!answer.ok) throw new Error(`${feed}: ${answer.error.message}`);
  }
  return socket;
}

/** Resident set size from /proc, in MB (10^6 bytes). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return (kb * 1024) / 1e6;
}
