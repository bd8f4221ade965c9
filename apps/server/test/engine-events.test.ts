import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SocketResult,
  TEngineEvent,
} from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { EngineRegistry } from '../src/hosts/engine-registry.js';
import { ContainerInventory } from '../src/inventory/container-inventory.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * One `/events` stream per host: the inventory and every socket.io events subscriber share it
 * (`EngineClient.events`), against host a of the real fleet.
 */
jest.setTimeout(60_000);

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };

let berth: TestBerth;
let token: string;
let hostId = '';
const clients: Client[] = [];

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
});

afterAll(async () => {
  clients.forEach((c) => c.disconnect());
  const ids = (await docker(direct, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker(direct, ['rm', '-f', ...ids]);
  await berth?.stop();
});

async function connect(): Promise<Client> {
  const client: Client = io(berth.url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return client;
}

function ok<T>(result: SocketResult<T>): T {
  if (!result.ok) throw new Error(`socket request failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

describe('the events stream of a host', () => {
  it('is one stream to the engine for the inventory and two socket.io subscribers', async () => {
    const inventory = berth.server.app.get(ContainerInventory);
    await waitFor(
      () => Promise.resolve(inventory.host(hostId)?.connected === true),
      10_000,
      'the inventory to follow the host',
    );
    const engine = await berth.server.app.get(EngineRegistry).get(hostId);
    const events = engine!.client.events;
    expect(events.open).toBe(1);

    const seen: Record<'perHost' | 'fleetWide', TEngineEvent[]> = { perHost: [], fleetWide: [] };
    const ids: Record<string, keyof typeof seen> = {};
    for (const [kind, request] of [
      ['perHost', { hostId }],
      ['fleetWide', {}],
    ] as const) {
      const client = await connect();
      const { subscriptionId } = ok(await client.emitWithAck('events.subscribe', request));
      ids[subscriptionId] = kind;
      client.on('engine.event', ({ subscriptionId: id, event }) => {
        const to = ids[id];
        if (to) seen[to].push(event);
      });
    }
    expect(events.open).toBe(1);

    const id = await dockerOk(direct, ['create', '--label', LABEL, fleet().image, 'true']);
    await waitFor(
      () =>
        Promise.resolve(
          inventory.find(hostId, id) !== null &&
            seen.perHost.some((e) => e.id === id) &&
            seen.fleetWide.some((e) => e.id === id),
        ),
      10_000,
      'the create in the inventory and on both sockets',
    );
    expect(events.open).toBe(1);
  });
});
