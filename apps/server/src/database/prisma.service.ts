import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';

/**
 * Both generated clients have the same models and methods (the schema keeps to types both
 * providers store alike), so the rest of the server is typed against one of them.
 */
export type Db = SqliteClient;

export function createDb(config: Config['database']): Db {
  if (config.provider === 'sqlite') {
    return new SqliteClient({
      adapter: new PrismaBetterSQLite3({ url: config.url, timeout: 10_000 }),
    });
  }
  const client = new PostgresClient({
    adapter: new PrismaPg({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5000 }),
  });
  return client as unknown as Db;
}

/** The database, shared by every repository. Created and migrated before Nest starts. */
@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly db: Db;

  constructor(@Inject(CONFIG) readonly config: Config) {
    this.db = createDb(config.database);
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
    await this.db.$disconnect();
  }
}
