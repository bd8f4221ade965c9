import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ClientToServerEvents, ErrorBody, ServerToClientEvents } from '@berth/shared';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { toErrorResponse } from '../src/common/error-response.js';
import { type ConnectionFailure, connectionFailureOf } from '../src/database/connection-error.js';
import { migratePostgres, migrateSqlite } from '../src/database/migration-runner.js';
import { createDb, type Db, PrismaService, postgresPool } from '../src/database/prisma.service.js';
import { PrismaClient as SqliteClient } from '../src/generated/sqlite/client.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { PgProxy } from './support/pg-proxy.js';
import { createUser, signIn, USER_PASSWORD } from './support/identity.js';

/**
 * What Berth does when its database connections drop or the database stops taking new ones:
 * every channel answers 503 DATABASE_UNAVAILABLE with Retry-After (never a 500), reads that lost
 * their connection are run once more, and the process stays up and serves again afterwards.
 * Jest fails a test in which a promise rejection goes unhandled, so these also show that none
 * does. The PostgreSQL parts run when BERTH_TEST_POSTGRES_URL is set, each on databases of its
 * own: the shared server is never stopped, only this test's connections are.
 */
jest.setTimeout(90_000);

const POSTGRES = process.env.BERTH_TEST_POSTGRES_URL;
const onPostgres = POSTGRES ? describe : describe.skip;
const silent = pino({ level: 'silent' });

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('a database error that is not about connections', () => {
  it('SQLITE_BUSY (Prisma maps it like a socket timeout, P1008) stays a 500, not a 503', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-busy-'));
    const file = join(dir, 'berth.db');
    migrateSqlite(file);
    const db = new SqliteClient({
      adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 100 }),
    });
    const writer = new Database(file);
    try {
      writer.exec('BEGIN IMMEDIATE');
      const error = await failureOf(db.user.create({ data: { username: 'u', passwordHash: 'x' } }));
      expect(error).toMatchObject({ code: 'P1008' });
      expect(connectionFailureOf(error)).toBeNull();
      expect(toErrorResponse(error, 'r', silent).status).toBe(500);
    } finally {
      writer.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

onPostgres(
  'PostgreSQL connections that drop, as Prisma 6.19 and the pg adapter report them',
  () => {
    let admin: pg.Client;
    let proxy: PgProxy;
    let name: string;
    let db: Db;
    /** Holds a lock on "User", so a query on it waits there until the test breaks its connection. */
    let locker: pg.Client;

    beforeAll(async () => {
      admin = await pgClient(POSTGRES!);
      name = `berth_test_outage_${Date.now().toString(36)}`;
      await admin.query(`CREATE DATABASE ${name}`);
      proxy = await PgProxy.start(POSTGRES!);
      await migratePostgres(proxy.url(name));
      db = createDb({ provider: 'postgresql', url: proxy.url(name) });
      locker = await pgClient(databaseUrl(POSTGRES!, name));
    });

    afterAll(async () => {
      await locker?.end();
      await db?.$disconnect();
      await proxy?.stop();
      await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin?.end();
    });

    /** Starts `work` behind the lock, breaks its connection with `fault`, and returns what it threw. */
    async function brokenWhileWaiting(
      work: () => Promise<unknown>,
      fault: (pid: number) => Promise<unknown> | void,
    ): Promise<unknown> {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "User" IN ACCESS EXCLUSIVE MODE');
      try {
        const failed = failureOf(work());
        let pid = 0;
        await waitFor(
          async () => {
            const { rows } = await admin.query<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
              [name],
            );
            pid = rows[0]?.pid ?? 0;
            return pid !== 0;
          },
          5_000,
          'the query to wait for the lock',
        );
        await fault(pid);
        return await failed;
      } finally {
        await locker.query('ROLLBACK');
      }
    }

    const terminate = (pid: number) => admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // Writes: a read that lost its connection is run again, and would wait for the lock again.
    const renameUsers = () => db.user.updateMany({ data: { displayName: 'renamed' } });

    it('tells a lost connection, an unreachable database and a bad query apart', async () => {
      const seen: [string, ConnectionFailure | null, number][] = [];
      const note = (what: string, error: unknown) =>
        seen.push([what, connectionFailureOf(error), toErrorResponse(error, 'r', silent).status]);

      // pg_terminate_backend: PostgreSQL says 57P01 (admin shutdown), Prisma has no code for it.
      note('terminated', await brokenWhileWaiting(renameUsers, terminate));
      note(
        'terminated raw query',
        await brokenWhileWaiting(
          () => db.$queryRawUnsafe('SELECT count(*) FROM "User"'),
          terminate,
        ),
      );
      note(
        'terminated in a transaction',
        await brokenWhileWaiting(
          () => db.$transaction(async (tx) => tx.user.findMany()),
          terminate,
        ),
      );
      // The connection closes without a word ("Connection terminated unexpectedly"), or is reset.
      note('closed', await brokenWhileWaiting(renameUsers, () => proxy.cut('close')));
      note('reset', await brokenWhileWaiting(renameUsers, () => proxy.cut('reset')));

      // Nothing listens (P1001); the database is gone (P1003).
      const refused = createDb({ provider: 'postgresql', url: databaseUrl(POSTGRES!, name, 1) });
      note('refused', await failureOf(refused.user.findMany()));
      await refused.$disconnect();
      const missing = createDb({
        provider: 'postgresql',
        url: databaseUrl(POSTGRES!, `${name}_x`),
      });
      note('no such database', await failureOf(missing.user.findMany()));
      await missing.$disconnect();
      // The database takes no connections (55000 at connection time, FATAL).
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      try {
        proxy.cut();
        note('not accepting connections', await failureOf(db.user.findMany()));
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      }

      // Problems with the query itself.
      await db.user.create({ data: { username: 'taken', passwordHash: 'x' } });
      note(
        'unique violation',
        await failureOf(db.user.create({ data: { username: 'taken', passwordHash: 'x' } })),
      );
      note('syntax error', await failureOf(db.$queryRawUnsafe('SELEKT 1')));

      expect(seen).toEqual([
        ['terminated', 'lost', 503],
        ['terminated raw query', 'lost', 503],
        ['terminated in a transaction', 'lost', 503],
        ['closed', 'lost', 503],
        ['reset', 'lost', 503],
        ['refused', 'unreachable', 503],
        ['no such database', 'unreachable', 503],
        ['not accepting connections', 'unreachable', 503],
        ['unique violation', null, 500],
        ['syntax error', null, 500],
      ]);
    });

    it('reads once more on a new connection when theirs was lost; writes are not repeated', async () => {
      await db.user.findMany(); // one idle connection in the pool
      proxy.breakOnNextUse('close');
      expect(Array.isArray(await db.user.findMany())).toBe(true);

      await db.user.findMany();
      proxy.breakOnNextUse('reset');
      expect(typeof (await db.user.count())).toBe('number');

      await db.user.findMany();
      proxy.breakOnNextUse('close');
      const write = await failureOf(db.team.create({ data: { name: 'not-twice' } }));
      expect(connectionFailureOf(write)).toBe('lost');
      expect(await db.team.count({ where: { name: 'not-twice' } })).toBe(0);
    });

    it('gets back connections lost inside transactions: the pool still serves and $disconnect returns', async () => {
      const own = createDb({ provider: 'postgresql', url: proxy.url(name) });
      // More than the pool's ten connections: each lost one used to stay taken for good.
      for (let i = 0; i < 12; i += 1) {
        const error = await failureOf(
          own.$transaction(async (tx) => {
            await tx.user.count();
            proxy.cut('close');
            await new Promise((resolve) => setTimeout(resolve, 20));
            await tx.user.count();
          }),
        );
        expect(connectionFailureOf(error)).toBe('lost');
      }
      const started = Date.now();
      expect(typeof (await own.user.count())).toBe('number');
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(within(own.$disconnect(), 3_000)).resolves.toBe('done');
    });

    it('keeps running when PostgreSQL ends a connection that is handed out but runs nothing', async () => {
      // The pool listens for errors only on idle connections, and Prisma's adapter only during a
      // transaction: a FATAL 57P01 arriving between the two is an 'error' event nobody else hears.
      const { pool } = postgresPool(databaseUrl(POSTGRES!, name));
      try {
        const client = await pool.connect();
        const { rows: own } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const ended = new Promise((resolve) => client.once('end', resolve));
        await terminate(own[0]!.pid);
        expect(await within(ended, 5_000)).toBe('done');
        await expect(client.query('SELECT 1')).rejects.toThrow();
        client.release();
        const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
        expect(rows).toEqual([{ one: 1 }]);
      } finally {
        await pool.end();
      }
    });
  },
);

onPostgres('a server whose PostgreSQL connections keep being terminated', () => {
  let berth: TestBerth;
  let token: string;
  let admin: pg.Client;
  let hostId: string;

  beforeAll(async () => {
    berth = await TestBerth.start();
    token = await berth.adminToken();
    hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
    admin = await pgClient(POSTGRES!);
  });

  afterAll(async () => {
    await admin?.end();
    await berth?.stop();
  });

  it('answers every request normally or 503 DATABASE_UNAVAILABLE with Retry-After, never 500, and serves afterwards', async () => {
    const database = databaseOf(berth);
    const socket = await subscribedToSummary(berth, token);
    const direct: CliTarget = { host: fleetHost('a').direct };
    const answers: Answer[] = [];
    let terminated = 0;
    let storming = true;

    const terminator = (async () => {
      while (storming) {
        const { rows } = await admin.query<{ t: boolean }>(
          `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [database],
        );
        terminated += rows.filter((row) => row.t).length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const requests: (() => Promise<Answer>)[] = [
      () => ask(berth, 'GET', '/api/users', token),
      () => ask(berth, 'GET', '/api/hosts', token),
      () => ask(berth, 'GET', '/api/audit?limit=5', token),
      () => ask(berth, 'GET', '/api/health'),
      () =>
        ask(berth, 'POST', '/api/teams', token, { name: `t-${answers.length}-${Math.random()}` }),
      () => ask(berth, 'GET', `/api/hosts/${hostId}/docker/v1.41/version`, token),
    ];
    const workers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; storming; i += 1) answers.push(await requests[i % requests.length]!());
    });
    // Containers that come and go make the live summary ask the database in the background.
    const churn = (async () => {
      while (storming) await dockerOk(direct, ['run', '--rm', fleet().image, 'true']);
    })();
    // At least 6 s of storm and enough answers to judge, however busy the machine is.
    const stormStarted = Date.now();
    try {
      await waitFor(
        () => Promise.resolve(Date.now() - stormStarted >= 6_000 && answers.length > 20),
        60_000,
        'the storm to get more than 20 answers',
      );
    } finally {
      storming = false;
    }
    await Promise.all([terminator, churn, ...workers]);
    socket.disconnect();

    expect(terminated).toBeGreaterThan(20);
    // How many fit in the time depends on the machine; what matters is that none is a 500.
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.normal).length).toBeGreaterThan(0);
    const unexpected = answers.filter((a) => !a.normal && !a.unavailable);
    expect(unexpected).toEqual([]);

    // Served again: the pool, the health check and the gateway all work.
    await waitFor(
      async () => (await ask(berth, 'GET', '/api/users', token)).status === 200,
      5_000,
      'users answered again',
    );
    expect((await ask(berth, 'GET', '/api/health')).status).toBe(200);
    expect(
      (await ask(berth, 'POST', '/api/teams', token, { name: 'after-the-storm' })).status,
    ).toBe(201);
    const version = await ask(berth, 'GET', `/api/hosts/${hostId}/docker/v1.41/version`, token);
    expect(version.status).toBe(200);
  });
});

onPostgres('a server whose database stops taking connections', () => {
  let berth: TestBerth;
  let token: string;
  let admin: pg.Client;
  let hostId: string;

  beforeAll(async () => {
    berth = await TestBerth.start();
    token = await berth.adminToken();
    hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
    admin = await pgClient(POSTGRES!);
  });

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${databaseOf(berth)} ALLOW_CONNECTIONS true`);
    await admin?.end();
    await berth?.stop();
  });

  it('answers 503 with Retry-After at once while it is away, and serves again when it is back', async () => {
    const database = databaseOf(berth);
    const socket = await subscribedToSummary(berth, token);
    // A read-only user's create through the gateway is refused, and the refusal is audited.
    const readOnly = await readOnlyToken(berth, token, hostId);
    const create = `/api/hosts/${hostId}/docker/v1.41/containers/create`;
    const refused = await ask(berth, 'POST', create, readOnly, { Image: fleet().image });
    expect([refused.status, refused.code]).toEqual([403, 'FORBIDDEN']);
    // CONNECTION LIMIT 0 does not hold for the superuser the tests connect as; this does.
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    try {
      // Past the few seconds a bearer token stays cached: every request now needs the database.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      for (const [method, path] of [
        ['GET', '/api/users'],
        ['GET', '/api/hosts'],
        ['POST', '/api/teams'],
        ['GET', '/api/health'],
        ['POST', create],
        ['GET', `/api/hosts/${hostId}/docker/v1.41/containers/json`],
      ] as const) {
        const started = Date.now();
        const caller = path === '/api/health' ? undefined : path === create ? readOnly : token;
        const answer = await ask(berth, method, path, caller, { name: 'while-away' });
        expect([path, answer.status, answer.code, answer.retryAfter]).toEqual([
          path,
          503,
          'DATABASE_UNAVAILABLE',
          '2',
        ]);
        expect(Date.now() - started).toBeLessThan(2_000);
      }
      // The live summary asks the database when containers change; its failure must stay handled.
      await dockerOk({ host: fleetHost('a').direct }, ['run', '--rm', fleet().image, 'true']);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    }
    const back = await waitFor(
      async () => (await ask(berth, 'GET', '/api/users', token)).status === 200,
      10_000,
      'users answered again',
    );
    expect(back).toBeLessThan(5_000);
    expect((await ask(berth, 'GET', '/api/health')).status).toBe(200);
    const refusedAgain = await ask(berth, 'POST', create, readOnly, { Image: fleet().image });
    expect([refusedAgain.status, refusedAgain.code]).toEqual([403, 'FORBIDDEN']);
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });
});

interface Answer {
  path: string;
  status: number;
  code?: string;
  retryAfter: string | null;
  normal: boolean;
  unavailable: boolean;
}

async function ask(
  berth: TestBerth,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Answer> {
  const res = await berth.api<Partial<ErrorBody>>(method, path, {
    ...(token ? { token } : {}),
    ...(method === 'GET' ? {} : { body }),
  });
  const code = res.status >= 400 ? res.body?.error?.code : undefined;
  const retryAfter = res.headers.get('retry-after');
  return {
    path,
    status: res.status,
    ...(code ? { code } : {}),
    retryAfter,
    normal: res.status < 400,
    unavailable: res.status === 503 && code === 'DATABASE_UNAVAILABLE' && retryAfter === '2',
  };
}

/** An administrator's socket following the fleet summary, which is worked out again on changes. */
async function subscribedToSummary(berth: TestBerth, token: string): Promise<Client> {
  const socket: Client = io(berth.url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { authorization: `Bearer ${token}` },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const subscribed = await socket.emitWithAck('summary.subscribe', {});
  expect(subscribed.ok).toBe(true);
  return socket;
}

function databaseOf(berth: TestBerth): string {
  const url = berth.server.app.get(PrismaService).config.database.url;
  return new URL(url).pathname.slice(1);
}

function databaseUrl(base: string, database: string, port?: number): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (port !== undefined) url.port = String(port);
  return url.toString();
}

async function pgClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** What `work` rejected with; fails the test when it succeeds. */
async function failureOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function within(work: Promise<unknown>, ms: number): Promise<'done' | 'timed out'> {
  return Promise.race([
    work.then(() => 'done' as const),
    new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref()),
  ]);
}

/** A token of a new user with the Read-only role on the host. */
async function readOnlyToken(
  berth: TestBerth,
  adminToken: string,
  hostId: string,
): Promise<string> {
  const user = await createUser(berth, adminToken, `ro-${Math.random().toString(36).slice(2, 8)}`);
  const grant = await berth.api('POST', '/api/grants', {
    token: adminToken,
    body: { userId: user.id, hostId, role: 'read-only' },
  });
  if (grant.status !== 201) throw new Error(`grant: ${grant.status}`);
  const { session } = await signIn(berth, user.username, USER_PASSWORD);
  return (await berth.createToken(session!)).token;
}
