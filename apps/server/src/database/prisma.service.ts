import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { settlesWithin } from '../common/settles-within.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';
import { connectionFailureOf } from './connection-error.js';

/**
 * Both generated clients have the same models and methods (the schema keeps to types both
 * providers store alike), so the rest of the server is typed against one of them.
 */
export type Db = SqliteClient;

/** How long stopping waits for the database connections to close before dropping them. */
const DISCONNECT_MS = 3_000;

export function createDb(config: Config['database']): Db {
  return openDb(config).db;
}

/**
 * The client, and a way to drop its connections at once: closing them waits for the answers of
 * queries under way, which a database that stopped answering never sends.
 */
function openDb(config: Config['database']): { db: Db; drop: () => void } {
  if (config.provider === 'sqlite') {
    const db = new SqliteClient({
      adapter: new PrismaBetterSQLite3({ url: config.url, timeout: 10_000 }),
    });
    // A file: nothing to wait for.
    return { db: retryingLostReads(db), drop: () => undefined };
  }
  const pool = postgresPool(config.url);
  const client = new PostgresClient({
    adapter: new PrismaPg(pool.pool, { disposeExternalPool: true }),
  });
  return { db: retryingLostReads(client as unknown as Db), drop: pool.drop };
}

/** Operations that only read: running one again cannot change anything twice. */
const READS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);

/**
 * A server that terminates connections (a restart, a failover, pg_terminate_backend) usually ends
 * all of them at once; the word about the idle ones arrives a moment after the one that failed.
 * The read waits that moment, so that the pool has dropped them and it gets a new connection.
 */
const LOST_CONNECTION_SETTLE_MS = 20;

/**
 * A read outside a transaction whose connection was lost (PostgreSQL terminated it, a proxy or
 * failover dropped it) is run once more, on a new connection: the pool opens one when the caller
 * would otherwise have failed. A write is never run again (it may have been applied before the
 * connection went), nor is anything inside a transaction (the transaction is gone with it).
 */
function retryingLostReads(client: Db): Db {
  return client.$extends({
    name: 'retry-lost-reads',
    query: {
      $allModels: {
        async $allOperations(params) {
          const { operation, args, query } = params;
          try {
            return await query(args);
          } catch (error) {
            if (!READS.has(operation) || inTransaction(params)) throw error;
            if (connectionFailureOf(error) !== 'lost') throw error;
            await new Promise((resolve) => setTimeout(resolve, LOST_CONNECTION_SETTLE_MS));
            return query(args);
          }
        },
      },
    },
  }) as unknown as Db;
}

/**
 * Prisma's extension parameters do not say whether the call runs in a transaction; its request
 * (`__internalParams`, the same object the client executes) does.
 */
function inTransaction(params: object): boolean {
  const internal = (params as { __internalParams?: { transaction?: unknown } }).__internalParams;
  return internal?.transaction !== undefined;
}

/**
 * PostgreSQL connections come from a pool of Berth's own so that a connection lost inside a
 * transaction goes back to the pool. Prisma 6.19 ends a transaction by running ROLLBACK (or
 * COMMIT) on its connection and only then hands the connection back; when that statement fails
 * because the connection is gone, the connection is never handed back. Each such loss took one
 * of the ten places for good: once they were gone every query waited for the connect timeout and
 * failed, and `$disconnect` (which waits for every connection) never returned. `drop` closes
 * every open connection's socket at once, for a stop that cannot wait any longer.
 */
export function postgresPool(url: string): { pool: pg.Pool; drop: () => void } {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  const open = new Set<pg.PoolClient>();
  const handedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client: pg.PoolClient) => handedOut.add(client));
  pool.on('release', (_error: unknown, client: pg.PoolClient) => handedOut.delete(client));
  pool.on('connect', (client: pg.PoolClient) => {
    open.add(client);
    // The pool listens for errors only while a connection is idle, Prisma's adapter only inside
    // a transaction. A connection handed out and running nothing when PostgreSQL ends it (57P01,
    // a restart) reports that as an 'error' event; unheard, it would end the process. Its next
    // statement fails instead, and 'end' below gives it back.
    client.on('error', () => undefined);
    client.once('end', () => {
      open.delete(client);
      if (!handedOut.has(client)) return;
      const release = client.release.bind(client);
      // The transaction that still holds it may hand it back later: once is enough.
      client.release = () => undefined;
      release(new Error('the connection ended'));
    });
  });
  // An idle connection that drops is removed by the pool; the next query opens another.
  pool.on('error', () => undefined);
  const drop = () => {
    for (const client of open) client.connection.stream.destroy();
  };
  return { pool, drop };
}

/** The database, shared by every repository. Created and migrated before Nest starts. */
@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly db: Db;
  private readonly drop: () => void;

  constructor(
    @Inject(CONFIG) readonly config: Config,
    @Optional() @Inject(LOGGER) private readonly log?: Logger,
  ) {
    ({ db: this.db, drop: this.drop } = openDb(config.database));
  }

  async ping(): Promise<boolean> {
    try {
      await this.db.$queryRawUnsafe('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    const disconnected = this.db.$disconnect();
    if (await settlesWithin(disconnected, DISCONNECT_MS)) return;
    this.log?.warn(
      `stop: the database connections did not close within ${DISCONNECT_MS / 1000} s (queries were still waiting for answers); dropped them`,
    );
    this.drop();
    await settlesWithin(disconnected, DISCONNECT_MS);
  }
}
