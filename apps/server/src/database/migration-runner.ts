import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface Migration {
  name: string;
  sql: string;
}

const MIGRATIONS_ROOT = fileURLToPath(new URL('../../../../prisma/migrations/', import.meta.url));
const TABLE = '_berth_migrations';
// Any constant works; it only has to be the same for every replica that starts at once.
const PG_LOCK_KEY = 724_031_977;

export function readMigrations(
  provider: 'sqlite' | 'postgresql',
  root = MIGRATIONS_ROOT,
): Migration[] {
  const dir = `${root}${provider}`;
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(`${dir}/${name}/migration.sql`, 'utf8') }));
}

/**
 * Applies the SQL written by `scripts/db.mjs migration` in order, each in one transaction, and
 * records it. Returns the names applied now. Prisma's own `migrate deploy` is not used because it
 * needs a native engine for PostgreSQL that cannot be downloaded everywhere Berth runs.
 */
export function migrateSqlite(path: string, migrations = readMigrations('sqlite')): string[] {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // WAL keeps readers off the writer's back; with synchronous=NORMAL a committed transaction
    // survives a crash of the process (not necessarily of the machine's power).
    db.pragma('journal_mode = WAL');
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
    );
    const applied = new Set(
      db
        .prepare(`SELECT name FROM ${TABLE}`)
        .all()
        .map((row) => (row as { name: string }).name),
    );
    const done: string[] = [];
    // Prisma rebuilds a table to alter it (create new, copy, drop old). With foreign keys on, the
    // drop would cascade into every referencing table, and the PRAGMA in the migration SQL cannot
    // turn them off inside our transaction; so they are off around it and checked before commit.
    db.pragma('foreign_keys = OFF');
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0)
          throw new Error(
            `migration ${migration.name} leaves ${broken.length} broken reference(s)`,
          );
        db.prepare(`INSERT INTO ${TABLE} (name, applied_at) VALUES (?, ?)`).run(
          migration.name,
          new Date().toISOString(),
        );
      }).immediate();
      done.push(migration.name);
    }
    return done;
  } finally {
    db.close();
  }
}

export async function migratePostgres(
  url: string,
  migrations = readMigrations('postgresql'),
): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    // Replicas starting together queue here instead of racing to apply the same migration.
    await client.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${TABLE}`);
    const applied = new Set(rows.map((row) => row.name));
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${TABLE} (name, applied_at) VALUES ($1, now())`, [
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
