// Used only by scripts/db.mjs for `prisma generate` and `prisma migrate diff`. The "js" engine with
// a driver adapter keeps the CLI from downloading its native schema engine.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

const provider = process.env.BERTH_PRISMA_PROVIDER === 'postgresql' ? 'postgresql' : 'sqlite';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: `.build/${provider}/schema.prisma`,
  adapter: () =>
    Promise.resolve(
      provider === 'postgresql'
        ? new PrismaPg({
            connectionString:
              process.env.BERTH_PRISMA_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
          })
        : new PrismaBetterSQLite3({ url: ':memory:' }),
    ),
});
