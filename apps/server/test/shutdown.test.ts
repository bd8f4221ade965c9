import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { ADMIN_PASSWORD, TestBerth, waitFor } from './support/berth.js';
import { startBuilt } from './support/built-server.js';
import { fleet } from './support/fleet.js';
import { PgProxy } from './support/pg-proxy.js';

/**
 * Stopping ends within a bounded time whatever the database is doing. The database sits behind a
 * relay the test controls (support/pg-proxy.ts), so only this test's connections go silent or
 * are refused; the shared PostgreSQL server is never touched. PostgreSQL only: the replica
 * message connection and a database that stops answering do not exist with SQLite.
 */
jest.setTimeout(180_000);

const POSTGRES = process.env.BERTH_TEST_POSTGRES_URL;
const onPostgres = POSTGRES ? describe : describe.skip;

onPostgres('stopping while the database does not answer', () => {
  let admin: pg.Client;
  const proxies: PgProxy[] = [];
  const databases: string[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: POSTGRES });
    await admin.connect();
  });

  afterAll(async () => {
    for (const proxy of proxies) await proxy.stop();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A database of its own, reached through a relay of its own. */
  async function database(): Promise<{ url: string; proxy: PgProxy }> {
    const name = `berth_test_stop_${Math.random().toString(36).slice(2, 10)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    databases.push(name);
    const proxy = await PgProxy.start(POSTGRES!);
    proxies.push(proxy);
    return { url: proxy.url(name), proxy };
  }

  it('SIGTERM ends the process within the bound, naming what did not close, with a stream open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-stop-'));
    dirs.push(dataDir);
    const { url, proxy } = await database();
    const server = await startBuilt({
      DATABASE_URL: url,
      BERTH_DATA_DIR: dataDir,
      BERTH_LOCAL_SOCKET: fleet().a.slice('unix://'.length),
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_HEALTH_INTERVAL_MS: '1000',
    });
    try {
      const token = await adminToken(server.url);
      const auth = { authorization: `Bearer ${token}` };
      const hosts = (await (await fetch(`${server.url}/api/hosts`, { headers: auth })).json()) as {
        id: string;
      }[];
      // An engine event stream through the gateway, open until someone closes it.
      const events = await fetch(`${server.url}/api/hosts/${hosts[0]!.id}/docker/v1.41/events`, {
        headers: auth,
      });
      expect(events.status).toBe(200);
      const reading = events.body!.getReader();
      void reading.read().catch(() => undefined);
      expect((await fetch(`${server.url}/api/users`, { headers: auth })).status).toBe(200);

      // The database goes away: open connections stop answering, new ones are refused.
      proxy.silence();
      proxy.refuse();
      // A request that now waits for an answer that will never come.
      void fetch(`${server.url}/api/users`, { headers: auth }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const stoppedAt = Date.now();
      server.child.kill('SIGTERM');
      const code = await server.exited(20_000);
      const tookMs = Date.now() - stoppedAt;
      const lines = server.messages();

      expect(code).toBe(0);
      expect(tookMs).toBeLessThan(12_000);
      expect(lines).toContain('SIGTERM: stopping');
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^stop: the database connections did not close within 3 s/),
          expect.stringMatching(/^stop: the replica message connection did not close within 1 s/),
          expect.stringMatching(/^stop: \d+ client connection\(s\) .* still open after 3 s/),
        ]),
      );
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('makes no replica message connection again once stopped, and ends the attempt under way', async () => {
    const { url, proxy } = await database();
    const berth = await TestBerth.start(
      { DATABASE_URL: url, LOG_LEVEL: 'warn' },
      { captureLogs: true },
    );
    const logs = () => berth.logs.join('');
    // Connections are cut, and new ones accepted but never answered: the next attempt hangs.
    proxy.silence();
    proxy.cut();
    await waitFor(
      () =>
        Promise.resolve(logs().includes('the replica message connection dropped; reconnecting')),
      5_000,
      'the replica message connection to notice',
    );
    // It tries again after 2 s; give it that and a moment.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(proxy.open).toBeGreaterThan(0);
    await berth.stop();
    const accepted = proxy.accepted;
    // Nothing of the stopped server is left open (the pool's own attempts give up after 5 s).
    await waitFor(
      () => Promise.resolve(proxy.open === 0),
      8_000,
      'every connection of the server closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(proxy.accepted).toBe(accepted);
  });
});

async function adminToken(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const made = await fetch(`${url}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'stop' }),
  });
  return ((await made.json()) as { token: string }).token;
}
