import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditLog } from '../src/audit/audit-log.js';
import { PrismaService } from '../src/database/prisma.service.js';
import {
  migratePostgres,
  migrateSqlite,
  readMigrations,
} from '../src/database/migration-runner.js';
import { Vault, VaultError } from '../src/vault/vault.js';
import { rotateMasterKey } from '../src/vault/rotate-master-key.js';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';

// Runs on SQLite, and again on PostgreSQL when npm test sets BERTH_TEST_POSTGRES_URL.
describe('database: migrations, audit chain and sealed secrets', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await TestBerth.start();
  });
  afterAll(() => berth.stop());

  const dbUrl = () => berth.server.app.get(PrismaService).config.database.url;

  it('applied every migration once; running the migrator again applies nothing', async () => {
    const again =
      berth.provider === 'sqlite'
        ? migrateSqlite(dbUrl().slice('file:'.length))
        : await migratePostgres(dbUrl());
    expect(again).toEqual([]);
    expect(readMigrations(berth.provider).length).toBeGreaterThan(0);
  });

  // Advisory locks are PostgreSQL's; SQLite has one writer by construction.
  const onPostgres = process.env.BERTH_TEST_POSTGRES_URL ? it : it.skip;

  onPostgres(
    'lets replicas start together: concurrent migrators agree and nothing is applied twice',
    async () => {
      const results = await Promise.all([
        migratePostgres(dbUrl()),
        migratePostgres(dbUrl()),
        migratePostgres(dbUrl()),
      ]);
      expect(results.flat()).toEqual([]);
    },
  );

  it('chains audit records and finds the first edited row', async () => {
    const audit = berth.server.app.get(AuditLog);
    const db = berth.server.app.get(PrismaService).db;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.record({
          actor: { type: 'system', id: null, name: 'test' },
          action: 'host.update',
          outcome: 'success',
          target: `t${i}`,
        }),
      ),
    );
    const intact = await audit.verify();
    expect(intact.ok).toBe(true);
    expect(intact.checked).toBeGreaterThanOrEqual(20);

    const victim = await db.auditEvent.findFirstOrThrow({ where: { target: 't7' } });
    await db.auditEvent.update({ where: { id: victim.id }, data: { outcome: 'failure' } });
    const broken = await audit.verify();
    expect(broken).toMatchObject({ ok: false, brokenAt: victim.id });
  });

  it('seals secrets so that another key cannot open them and tampering is noticed', () => {
    const vault = new Vault(Buffer.alloc(32, 1));
    const sealed = vault.seal('-----BEGIN PRIVATE KEY-----');
    expect(sealed).not.toContain('PRIVATE');
    expect(vault.open(sealed)).toBe('-----BEGIN PRIVATE KEY-----');
    expect(() => new Vault(Buffer.alloc(32, 2)).open(sealed)).toThrow(VaultError);
    const parts = sealed.split('.');
    const body = parts[4] ?? '';
    parts[4] = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(() => vault.open(parts.join('.'))).toThrow('envelope failed authentication');
  });

  it('stores host secrets only sealed', async () => {
    const token = await berth.adminToken();
    const res = await berth.api('POST', '/api/hosts/test', {
      token,
      body: { name: 'x', url: 'unix:///nonexistent.sock' },
    });
    expect(res.status).toBe(200);
    const db = berth.server.app.get(PrismaService).db;
    const rows = await db.host.findMany();
    for (const row of rows) expect(row.secret ?? '').not.toContain('BEGIN');
  });
});

describe('master key rotation', () => {
  it('re-seals host secrets so that only the new key opens them', async () => {
    const berth = await TestBerth.start();
    try {
      const token = await berth.adminToken();
      const { url, ca, cert, key } = fleet().c;
      const host = await berth.addHost(token, { name: 'c', url, tls: { ca, cert, key } });
      const db = berth.server.app.get(PrismaService).db;
      const oldVault = berth.server.app.get(Vault);
      const newVault = new Vault(Buffer.alloc(32, 7));
      const variables = [{ name: 'TOKEN', value: 'stack-secret', secret: true }];
      const stack = await db.stack.create({
        data: {
          hostId: host.id,
          name: 's',
          compose: 'services: {}',
          env: oldVault.sealJson(variables),
        },
      });
      expect(await rotateMasterKey(db, oldVault, newVault)).toEqual({
        hosts: 1,
        registries: 0,
        stacks: 1,
      });
      const sealedEnv = (await db.stack.findUniqueOrThrow({ where: { id: stack.id } })).env;
      expect(newVault.openJson(sealedEnv)).toEqual(variables);
      const row = await db.host.findUniqueOrThrow({ where: { id: host.id } });
      expect(() => oldVault.open(row.secret ?? '')).toThrow(VaultError);
      const secrets = newVault.openJson<{ tls: { key: string } }>(row.secret ?? '');
      expect(secrets.tls.key).toBe(key.trim());
    } finally {
      await berth.stop();
    }
  });
});
