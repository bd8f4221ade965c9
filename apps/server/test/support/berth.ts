import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TCreateHostRequest, THost } from '@berth/shared';
import pg from 'pg';
import { type Logger, pino } from 'pino';
import { startServer, type RunningServer } from '../../src/bootstrap.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { type ApiCallOptions, callApi } from './call-api.js';

export const ADMIN_PASSWORD = 'test-admin-password-1';

/** A dashboard sign-in: the session cookie (`name=value`) and the CSRF token it goes with. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A real Berth server on a random port with its own data directory, for one test file. */
export class TestBerth {
  private constructor(
    readonly server: RunningServer,
    readonly dataDir: string,
    readonly url: string,
    private readonly database: TestDatabase,
    /** The server's log lines when started with `captureLogs` (as many as its LOG_LEVEL lets through). */
    readonly logs: string[],
  ) {}

  /**
   * For suites that watch a host go down or come back: the health monitor probes every second.
   * Others keep the product's interval (3 s), since each probe asks every registered engine for
   * `docker info` and `docker version` on new connections (an SSH login for an SSH host).
   */
  static readonly QUICK_HEALTH = { BERTH_HEALTH_INTERVAL_MS: '1000' } as const;

  /**
   * For suites that register SSH hosts: a login with an encrypted key (its bcrypt key derivation)
   * and `docker info` over dial-stdio can take longer than the tests' 3 s engine timeout on a
   * loaded machine; this is the product's own default and more.
   */
  static readonly SSH_TIMEOUT = { BERTH_ENGINE_TIMEOUT_MS: '10000' } as const;

  static async start(
    env: Record<string, string> = {},
    /** `replicaOf`: another replica of that server, on its database (dropped with that one). */
    options: { captureLogs?: boolean; replicaOf?: TestBerth } = {},
  ): Promise<TestBerth> {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-test-'));
    const database = options.replicaOf
      ? options.replicaOf.database.shared()
      : await TestDatabase.create(dataDir);
    const config = loadConfig({
      DATABASE_URL: database.url,
      PORT: '0',
      BERTH_BIND: '127.0.0.1',
      BERTH_DATA_DIR: dataDir,
      BERTH_WEB: 'off',
      BERTH_LOCAL_SOCKET: '',
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_ENGINE_TIMEOUT_MS: '3000',
      BERTH_UPDATE_CHECK_MINUTES: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      ...env,
    });
    const logger = createLogger(config.logLevel);
    const logs: string[] = [];
    if (options.captureLogs) captureLogs(logger, logs);
    const server = await startServer(config, logger);
    // Longer than fetch's own keep-alive, so a test never reuses a connection the server just closed.
    const http: Server = server.app.getHttpServer();
    http.keepAliveTimeout = 60_000;
    return new TestBerth(server, dataDir, server.url, database, logs);
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.database.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get provider(): 'sqlite' | 'postgresql' {
    return this.database.provider;
  }

  /** Calls the REST API; `auth` is a bearer token or nothing. */
  api<T = unknown>(method: string, path: string, options?: ApiCallOptions): Promise<ApiAnswer<T>> {
    return callApi<T>(this.url, method, path, options);
  }

  /** Signs in through the login route, as the dashboard does: the session cookie and CSRF token. */
  async signIn(username: string, password: string): Promise<TestSession> {
    const login = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (login.status !== 200) throw new Error(`login of ${username} failed: ${login.status}`);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    return { cookie, csrfToken };
  }

  /** Makes an API token with a signed-in session. */
  async createToken(session: TestSession, name = 'tests'): Promise<{ id: string; token: string }> {
    const res = await fetch(`${this.url}/api/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
      },
      body: JSON.stringify({ name }),
    });
    if (res.status !== 201) throw new Error(`token creation failed: ${res.status}`);
    return (await res.json()) as { id: string; token: string };
  }

  /** Signs in as the first administrator and makes an API token. */
  async adminToken(): Promise<string> {
    const session = await this.signIn('admin', ADMIN_PASSWORD);
    return (await this.createToken(session)).token;
  }

  /**
   * Registers a host. Tests often reach one fleet engine under several names (a proxy in front of
   * it, a second server), so a second registration of an engine is allowed unless the test says
   * otherwise (hosts.test.ts checks the refusal).
   */
  async addHost(token: string, host: TCreateHostRequest): Promise<THost> {
    const body = { allowSameEngine: true, ...host };
    const res = await this.api<THost>('POST', '/api/hosts', { token, body });
    if (res.status !== 201)
      throw new Error(`adding host ${host.name} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/**
 * SQLite in the test's data directory by default; a fresh PostgreSQL database per server when
 * BERTH_TEST_POSTGRES_URL (an admin connection) is set, as `npm test` does for its second pass.
 */
export class TestDatabase {
  private constructor(
    readonly provider: 'sqlite' | 'postgresql',
    readonly url: string,
    readonly drop: () => Promise<void>,
  ) {}

  /** The same database for a second server, which leaves dropping it to the first. */
  shared(): TestDatabase {
    return new TestDatabase(this.provider, this.url, async () => {});
  }

  static async create(dataDir: string): Promise<TestDatabase> {
    const admin = process.env.BERTH_TEST_POSTGRES_URL;
    if (!admin)
      return new TestDatabase('sqlite', `file:${join(dataDir, 'berth.db')}`, async () => {});
    const name = `berth_test_${randomBytes(6).toString('hex')}`;
    await withPg(admin, (client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return new TestDatabase('postgresql', url.toString(), () =>
      withPg(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
    );
  }
}

async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Copies every line the logger writes into `lines`. Pino writes straight to file descriptor 1, past
 * Jest, so its destination is swapped; the real one still gets the lines when LOG_LEVEL is set.
 */
function captureLogs(logger: Logger, lines: string[]): void {
  const slot = logger as unknown as Record<symbol, { write(line: string): unknown }>;
  const destination = slot[pino.symbols.streamSym];
  slot[pino.symbols.streamSym] = {
    write(line: string) {
      lines.push(line);
      if (process.env.LOG_LEVEL) destination?.write(line);
    },
  };
}

/** Polls until `check` passes or the deadline passes; returns how long it took. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
