import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TContainerListResponse } from '@berth/shared';
import { ContainerInventory } from '../src/inventory/container-inventory.js';
import type { HostInventoryActivity } from '../src/inventory/host-inventory.js';
import { TestBerth, waitFor } from './support/berth.js';
import { fleet } from './support/fleet.js';

/**
 * An event storm made straight on an engine (not through Berth): a few hundred containers created
 * as fast as the engine takes them. Berth keeps answering meanwhile, asks the engine far fewer
 * times than it hears events, and ends with exactly the engine's list.
 */
jest.setTimeout(240_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = 'test.storm';
const COUNT = 300;
const PARALLEL = 16;
const SOCKET = fleet().a.slice('unix://'.length);

let berth: TestBerth;
let token: string;
let hostA: string;

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostA = (await berth.addHost(token, { name: 'a', url: fleet().a })).id;
  await waitFor(() => Promise.resolve(inventory()?.connected === true), 10_000, 'host a followed');
});

afterAll(async () => {
  await removeAll(await engineIds()).catch(() => undefined);
  await berth?.stop();
});

function inventory() {
  return berth.server.app.get(ContainerInventory).host(hostA);
}

/** One call to the engine's own socket, bypassing Berth. */
function engine<T>(method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: SOCKET,
        method,
        path,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: ${text}`));
          else resolve((text ? JSON.parse(text) : null) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `work` for each item, `PARALLEL` at a time. */
async function eachParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

async function engineIds(): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=${RUN}`] }));
  const listed = await engine<{ Id: string }[]>('GET', `/containers/json?all=1&filters=${filters}`);
  return listed.map((c) => c.Id).sort();
}

async function berthIds(): Promise<string[]> {
  const res = await berth.api<TContainerListResponse>(
    'GET',
    `/api/containers?hostId=${hostA}&q=${RUN}&limit=500`,
    { token },
  );
  expect(res.status).toBe(200);
  return res.body.items.map((c) => c.id).sort();
}

async function removeAll(ids: string[]): Promise<void> {
  await eachParallel(ids, (id) => engine('DELETE', `/containers/${id}?force=1`));
}

/** Calls `probe` every 50 ms until stopped; the durations of the calls. */
function keepProbing(probe: () => Promise<void>): { stop(): Promise<number[]> } {
  const took: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await probe();
      took.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return took;
    },
  };
}

function describeTimes(took: number[]): string {
  const sorted = [...took].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `${took.length} calls, p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}

function callsSince(before: HostInventoryActivity): HostInventoryActivity {
  const now = inventory()!.activity;
  return {
    events: now.events - before.events,
    lists: now.lists - before.lists,
    fullLists: now.fullLists - before.fullLists,
    inspects: now.inspects - before.inspects,
  };
}

describe('a storm of engine events', () => {
  it('keeps Berth answering, costs a few engine calls and converges to the engine list', async () => {
    const before = { ...inventory()!.activity };
    const health = keepProbing(async () => {
      expect((await berth.api('GET', '/api/health')).status).toBe(200);
    });
    const list = keepProbing(async () => {
      const res = await berth.api('GET', `/api/containers?hostId=${hostA}&q=${RUN}&limit=100`, {
        token,
      });
      expect(res.status).toBe(200);
    });
    const started = Date.now();
    await eachParallel(
      Array.from({ length: COUNT }, (_, i) => i),
      (i) =>
        engine('POST', `/containers/create?name=storm-${RUN}-${i}`, {
          Image: fleet().image,
          Cmd: ['true'],
          Labels: { [LABEL]: RUN },
        }),
    );
    const created = Date.now() - started;
    const expected = await engineIds();
    expect(expected).toHaveLength(COUNT);
    const converged = await waitFor(
      async () => JSON.stringify(await berthIds()) === JSON.stringify(expected),
      30_000,
      'the inventory to list what the engine lists',
    );
    const healthTimes = await health.stop();
    const listTimes = await list.stop();
    const calls = callsSince(before);
    console.log(
      `inventory storm: ${COUNT} creates in ${created} ms, inventory equal ${converged} ms later; ` +
        `${calls.events} events → ${calls.lists} lists (${calls.fullLists} full), ${calls.inspects} inspects; ` +
        `health ${describeTimes(healthTimes)}; list ${describeTimes(listTimes)}`,
    );
    expect(calls.events).toBeGreaterThanOrEqual(COUNT);
    expect(calls.lists + calls.inspects).toBeLessThan(calls.events / 5);
    // The probes' times are printed above, not judged: a loaded machine stretches them. Every
    // probe answered (each one expects its 200), so the server kept serving through the storm.
    expect(healthTimes.length).toBeGreaterThan(0);
    expect(listTimes.length).toBeGreaterThan(0);

    // Removing them all is a storm too; the inventory ends empty of them.
    const removal = { ...inventory()!.activity };
    await removeAll(expected);
    expect(await engineIds()).toEqual([]);
    await waitFor(async () => (await berthIds()).length === 0, 30_000, 'all removed');
    const removeCalls = callsSince(removal);
    console.log(
      `inventory storm: ${removeCalls.events} removal events → ${removeCalls.lists} lists, ${removeCalls.inspects} inspects`,
    );
    expect(removeCalls.lists + removeCalls.inspects).toBeLessThan(removeCalls.events / 5);
  });
});
