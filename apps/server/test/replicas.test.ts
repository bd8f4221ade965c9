import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientToServerEvents, ServerToClientEvents, THost } from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { TestBerth, waitFor } from './support/berth.js';
import { fleet } from './support/fleet.js';

/**
 * Two replicas on one PostgreSQL database, as behind a load balancer: a change made on one must
 * hold on the other at once, not when the other's caches expire (5 s for credentials, 2 s for
 * grants). Only PostgreSQL runs several replicas; with SQLite there is one server.
 */
const onPostgres = process.env.BERTH_TEST_POSTGRES_URL ? describe : describe.skip;
/** Well under the caches' lifetimes: passing within it means the replica was told. */
const AT_ONCE_MS = 1_000;

onPostgres('replicas: revocations and grant changes reach every replica at once', () => {
  let one: TestBerth;
  let two: TestBerth;
  let admin: string;
  let host: THost;

  beforeAll(async () => {
    one = await TestBerth.start();
    two = await TestBerth.start({}, { replicaOf: one });
    admin = await one.adminToken();
    host = await one.addHost(admin, { name: 'a', url: fleet().a });
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  async function userWithToken(): Promise<{ id: string; token: string }> {
    const username = `rep-${Math.random().toString(36).slice(2, 8)}`;
    const password = 'a-long-user-password';
    const user = await one.api<{ id: string }>('POST', '/api/users', {
      token: admin,
      body: { username, password },
    });
    const session = await one.signIn(username, password);
    return { id: user.body.id, token: (await one.createToken(session)).token };
  }

  it('a user disabled on one replica is refused on the other, and their socket there closes', async () => {
    const user = await userWithToken();
    expect((await two.api('GET', '/api/auth/me', { token: user.token })).status).toBe(200);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(two.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${user.token}` },
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));

    const disabled = await one.api('PATCH', `/api/users/${user.id}`, {
      token: admin,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    await waitFor(
      async () => (await two.api('GET', '/api/auth/me', { token: user.token })).status === 401,
      AT_ONCE_MS,
      'the other replica to refuse the token',
    );
    await expect(closed).resolves.toBe('io server disconnect');
  });

  it('a grant removed on one replica stops working on the other', async () => {
    const user = await userWithToken();
    const grant = await one.api<{ id: string }>('POST', '/api/grants', {
      token: admin,
      body: { userId: user.id, hostId: host.id, role: 'read-only' },
    });
    expect(grant.status).toBe(201);
    const list = () =>
      two.api('GET', `/api/hosts/${host.id}/docker/containers/json`, { token: user.token });
    expect((await list()).status).toBe(200);

    expect((await one.api('DELETE', `/api/grants/${grant.body.id}`, { token: admin })).status).toBe(
      204,
    );
    await waitFor(
      async () => (await list()).status === 404,
      AT_ONCE_MS,
      'the other replica to hide the host',
    );
  });
});
