import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientToServerEvents, ServerToClientEvents } from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { HostsService } from '../src/hosts/hosts.service.js';
import { TestBerth, type TestSession } from './support/berth.js';
import { fleet } from './support/fleet.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('socket.io: authenticated connections and host status pushes', () => {
  let berth: TestBerth;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    berth = await TestBerth.start(TestBerth.QUICK_HEALTH);
    token = await berth.adminToken();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await berth.stop();
  });

  /** A socket with an API token (`Bearer …`), a session cookie (`berth_session=…`) or nothing. */
  function connect(auth: string | null): Client {
    const header: Record<string, string> = auth?.includes('=')
      ? { cookie: auth }
      : { authorization: `Bearer ${auth}` };
    const client: Client = io(berth.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      ...(auth ? { extraHeaders: header } : {}),
    });
    clients.push(client);
    return client;
  }

  async function connected(auth: string): Promise<Client> {
    const client = connect(auth);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    return client;
  }

  /**
   * The reason the socket closed. Revocations on this replica close sockets at once; the periodic
   * sweep (15 s) must not be what closes them here, hence the short limit.
   */
  const closedByServer = (client: Client) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket still open after 3 s')), 3_000);
      client.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });

  /** A new user signed in twice: a dashboard session and an API token. */
  async function signedInUser(): Promise<{
    id: string;
    session: TestSession;
    token: string;
    tokenId: string;
  }> {
    const username = `rt-${Math.random().toString(36).slice(2, 8)}`;
    const password = 'a-long-user-password';
    const user = await berth.api<{ id: string }>('POST', '/api/users', {
      token,
      body: { username, password },
    });
    const session = await berth.signIn(username, password);
    const made = await berth.createToken(session, 'socket');
    return { id: user.body.id, session, token: made.token, tokenId: made.id };
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

  it('closes every socket of a user as soon as an administrator disables them', async () => {
    const user = await signedInUser();
    const bySession = await connected(user.session.cookie);
    const byToken = await connected(user.token);
    const closed = Promise.all([closedByServer(bySession), closedByServer(byToken)]);
    const res = await berth.api('PATCH', `/api/users/${user.id}`, {
      token,
      body: { disabled: true },
    });
    expect(res.status).toBe(200);
    await expect(closed).resolves.toEqual(['io server disconnect', 'io server disconnect']);
    // And it cannot come back.
    const again = connect(user.token);
    await expect(closedByServer(again)).resolves.toBe('io server disconnect');
  });

  it('closes the socket of a revoked token or a signed-out session, and only that one', async () => {
    const user = await signedInUser();
    const bySession = await connected(user.session.cookie);
    const byToken = await connected(user.token);
    const tokenClosed = closedByServer(byToken);
    const revoked = await berth.api('DELETE', `/api/tokens/${user.tokenId}`, { token: user.token });
    expect(revoked.status).toBe(204);
    await expect(tokenClosed).resolves.toBe('io server disconnect');
    expect(bySession.connected).toBe(true);

    const sessionClosed = closedByServer(bySession);
    const logout = await fetch(`${berth.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: user.session.cookie, 'x-csrf-token': user.session.csrfToken },
    });
    expect(logout.status).toBeLessThan(300);
    await expect(sessionClosed).resolves.toBe('io server disconnect');
  });
});
