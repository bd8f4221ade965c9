import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientToServerEvents, ServerToClientEvents } from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { HostsService } from '../src/hosts/hosts.service.js';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('socket.io: authenticated connections and host status pushes', () => {
  let berth: TestBerth;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    berth = await TestBerth.start();
    token = await berth.adminToken();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await berth.stop();
  });

  function connect(auth: string | null): Client {
    const client: Client = io(berth.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      ...(auth ? { extraHeaders: { authorization: `Bearer ${auth}` } } : {}),
    });
    clients.push(client);
    return client;
  }

  it('drops a connection without credentials', async () => {
    const client = connect(null);
    const reason = await new Promise<string>((resolve) => client.on('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });

  it('pushes a host status change to a signed-in administrator', async () => {
    const client = connect(token);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    const host = await berth.addHost(token, { name: 'a', url: fleet().a });
    const event = new Promise((resolve) => client.once('host.status', resolve));
    // A probe result different from the last one is a change; the real monitor does the same.
    await berth.server.app.get(HostsService).applyProbe(host.id, {
      status: 'down',
      error: 'connection refused',
      engine: null,
      latencyMs: 1,
    });
    await expect(event).resolves.toMatchObject({
      hostId: host.id,
      status: 'down',
      error: 'connection refused',
    });
    const back = new Promise((resolve) => client.once('host.status', resolve));
    await expect(back).resolves.toMatchObject({ hostId: host.id, status: 'up', error: null });
  });
});
