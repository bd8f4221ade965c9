import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BERTH_LABELS,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TEngineEvent,
  type THost,
} from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { TestBerth, waitFor } from './support/berth.js';
import { docker, dockerOk } from './support/docker-cli.js';
import { fleet } from './support/fleet.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const RUN = randomBytes(4).toString('hex');
const LABEL = `berth.test=realtime-ownership-${RUN}`;

/**
 * Host-wide socket feeds for a Standard user (owner-limited grant): engine events and host stats
 * cover their own containers only, as the container list does.
 */
describe('socket feeds for owner-limited grants', () => {
  let berth: TestBerth;
  let admin: string;
  let host: THost;
  let owner: { id: string; token: string };
  const engine = { host: fleet().a };
  const clients: Client[] = [];

  beforeAll(async () => {
    berth = await TestBerth.start();
    admin = await berth.adminToken();
    host = await berth.addHost(admin, { name: 'a', url: fleet().a });
    const username = `own-${RUN}`;
    const password = 'a-long-user-password';
    const user = await berth.api<{ id: string }>('POST', '/api/users', {
      token: admin,
      body: { username, password },
    });
    await berth.api('POST', '/api/grants', {
      token: admin,
      body: { userId: user.body.id, hostId: host.id, role: 'standard' },
    });
    const session = await berth.signIn(username, password);
    owner = { id: user.body.id, token: (await berth.createToken(session)).token };
  });
  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    const ids = await docker(engine, ['ps', '-aq', '--filter', `label=${LABEL}`]);
    const leftovers = ids.stdout.split('\n').filter(Boolean);
    if (leftovers.length > 0) await docker(engine, ['rm', '-f', ...leftovers]);
    await berth.stop();
  });

  async function connect(token: string): Promise<Client> {
    const client: Client = io(berth.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    return client;
  }

  /** A running container on host a, made straight on the engine: the owner's, or someone else's. */
  const run = (name: string, ownerId: string | null) =>
    dockerOk(engine, [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      LABEL,
      ...(ownerId ? ['--label', `${BERTH_LABELS.owner}=${ownerId}`] : []),
      fleet().image,
      'sleep',
      '300',
    ]);

  it('engine events show their own containers and not the others', async () => {
    const client = await connect(owner.token);
    const seen: TEngineEvent[] = [];
    client.on('engine.event', ({ event }) => seen.push(event));
    const ack = await client.emitWithAck('events.subscribe', { hostId: host.id });
    expect(ack.ok).toBe(true);

    const theirs = `theirs-${RUN}`;
    const mine = `mine-${RUN}`;
    await run(theirs, null);
    await run(mine, owner.id);
    await waitFor(
      () => Promise.resolve(seen.some((e) => e.name === mine && e.action === 'start')),
      10_000,
      'the start event of their own container',
    );
    expect(seen.filter((e) => e.name === theirs)).toEqual([]);
    expect(seen.every((e) => e.type === 'container' || e.type === 'image')).toBe(true);
  });

  it('host stats sum their own running containers only', async () => {
    const client = await connect(owner.token);
    const samples: number[] = [];
    client.on('host-stats.sample', (sample) => samples.push(sample.containers));
    const ack = await client.emitWithAck('host-stats.subscribe', { hostId: host.id });
    expect(ack.ok).toBe(true);
    await waitFor(
      () => Promise.resolve(samples.some((count) => count > 0)),
      15_000,
      'a host stats sample counting their container',
    );
    // Their one running container; the other user's running container is not in the sum.
    expect(Math.max(...samples)).toBe(1);
  });
});
