import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TContainerListResponse, TContainerSummary, TFleetSummary } from '@berth/shared';
import { ContainerInventory } from '../src/inventory/container-inventory.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost, fleetScript } from './support/fleet.js';

/**
 * The live inventory follows each engine's event stream: changes made outside Berth show within
 * moments, a dead engine leaves its containers listed as stale, and when it comes back the list is
 * reconciled with the engine's own, all without restarting Berth. Only host b's engine is stopped
 * (and always started again).
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const b: CliTarget = { host: fleetHost('b').direct };

let berth: TestBerth;
let token: string;
let hostB: string;

beforeAll(async () => {
  await fleetScript('start-host', 'b'); // a no-op when it runs
  berth = await TestBerth.start(TestBerth.QUICK_HEALTH);
  // The tests' fetch shares this process's event loop with the server; a server that keeps idle
  // connections longer than the client does never closes one the client is about to reuse.
  token = await berth.adminToken();
  hostB = (await berth.addHost(token, fleetHost('b').registration)).id;
});

afterAll(async () => {
  const ids = (await docker(b, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker(b, ['rm', '-f', ...ids]);
  await berth?.stop();
});

async function mine(): Promise<TContainerSummary[]> {
  const res = await berth.api<TContainerListResponse>(
    'GET',
    `/api/containers?hostId=${hostB}&q=${RUN}&limit=500`,
    { token },
  );
  return res.body.items;
}

async function find(id: string): Promise<TContainerSummary | undefined> {
  return (await mine()).find((c) => c.id === id);
}

/** How long until `check` holds, polling every 50 ms. */
async function timeUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('changes made outside Berth', () => {
  it('shows a container created, renamed, stopped and removed with the docker CLI', async () => {
    const name = `inv-${RUN}-one`;
    const id = await dockerOk(b, [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      LABEL,
      IMAGE,
      'sleep',
      '3600',
    ]);
    const created = await timeUntil(
      async () => (await find(id))?.state === 'running',
      5_000,
      'create',
    );
    await dockerOk(b, ['rename', name, `${name}-x`]);
    const renamed = await timeUntil(
      async () => (await find(id))?.name === `${name}-x`,
      5_000,
      'rename',
    );
    await dockerOk(b, ['kill', id]);
    const killed = await timeUntil(async () => (await find(id))?.state === 'exited', 5_000, 'kill');
    await dockerOk(b, ['rm', id]);
    const removed = await timeUntil(async () => (await find(id)) === undefined, 5_000, 'remove');
    console.log(
      `inventory: after the CLI returned, create ${created} ms, rename ${renamed} ms, kill ${killed} ms, rm ${removed} ms`,
    );
    expect(Math.max(created, renamed, killed, removed)).toBeLessThan(2_000);
  });
});

describe('an engine that goes away', () => {
  it('is shown stale while down and fresh again after it is back, reconciled with the engine', async () => {
    const keep = await dockerOk(b, [
      'run',
      '-d',
      '--label',
      LABEL,
      '--restart',
      'always',
      IMAGE,
      'sleep',
      '3600',
    ]);
    const gone = await dockerOk(b, ['create', '--label', LABEL, IMAGE, 'true']);
    await waitFor(async () => (await mine()).length === 2, 5_000, 'both listed');
    const before = await find(keep);
    expect(before).toMatchObject({ state: 'running', stale: false });

    try {
      await fleetScript('stop-host', 'b', '--kill');
      const killedAt = Date.now();
      const staleAfter = await timeUntil(
        async () => (await mine()).every((c) => c.stale),
        10_000,
        'stale entries',
      );
      const stale = await find(keep);
      // Still listed, as last seen, with the time of that last update.
      expect(stale).toMatchObject({ id: keep, state: 'running', stale: true });
      expect(new Date(stale!.updatedAt).getTime()).toBeLessThanOrEqual(killedAt);
      const summary = (await berth.api<TFleetSummary>('GET', '/api/fleet/summary', { token })).body;
      expect(summary.perHost[0]).toMatchObject({ hostId: hostB, stale: true });
      await waitFor(
        async () =>
          (await berth.api<TFleetSummary>('GET', '/api/fleet/summary', { token })).body.perHost[0]
            ?.status === 'down',
        10_000,
        'the monitor to see it down',
      );
      console.log(`inventory: engine killed → entries stale in ${staleAfter} ms`);
    } finally {
      await fleetScript('start-host', 'b');
    }
    const back = Date.now();
    const freshAfter = await timeUntil(
      async () => {
        const items = await mine();
        return items.length > 0 && items.every((c) => !c.stale);
      },
      30_000,
      'fresh entries',
    );
    console.log(`inventory: engine answering again → entries fresh in ${freshAfter} ms`);
    expect(Date.now() - back).toBeLessThan(30_000);
    // Reconciled with the engine's own list: whatever the restart did, the two agree.
    await dockerOk(b, ['rm', gone]);
    await waitFor(
      async () => {
        const engine = (
          await dockerOk(b, [
            'ps',
            '-a',
            '--filter',
            `label=${LABEL}`,
            '--format',
            '{{.ID}} {{.State}}',
          ])
        )
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split(' '))
          .map(([id, state]) => `${id} ${state}`)
          .sort();
        const ours = (await mine()).map((c) => `${c.id.slice(0, 12)} ${c.state}`).sort();
        return JSON.stringify(engine) === JSON.stringify(ours);
      },
      10_000,
      'the inventory to equal the engine',
    );
    expect((await find(keep))?.updatedAt).not.toBe(before?.updatedAt);
  });
});

describe('a removed host', () => {
  it('is forgotten with its containers', async () => {
    await dockerOk(b, ['run', '-d', '--label', LABEL, IMAGE, 'sleep', '3600']);
    await waitFor(async () => (await mine()).length > 0, 5_000, 'listed');
    expect((await berth.api('DELETE', `/api/hosts/${hostB}`, { token })).status).toBe(204);
    await waitFor(
      () => Promise.resolve(berth.server.app.get(ContainerInventory).host(hostB) === null),
      5_000,
      'the host forgotten',
    );
    expect(await mine()).toEqual([]);
    const summary = (await berth.api<TFleetSummary>('GET', '/api/fleet/summary', { token })).body;
    expect(summary.perHost).toEqual([]);
  });
});
