import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TAuditEvent,
  TAuditPage,
  TAuditVerifyResult,
  TCreateTokenResponse,
  TTeam,
} from '@berth/shared';
import { AuditRetention } from '../src/audit/audit-retention.js';
import { CONFIG, type Config } from '../src/config/config.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';
import { createUser, signIn, unique, USER_PASSWORD } from './support/identity.js';

jest.setTimeout(120_000);

// The CLI check runs the built command (`npm run build`), as an operator would.
const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

let berth: TestBerth;
let admin: string;
let hostId: string;
const RUN = unique('audit');

beforeAll(async () => {
  berth = await TestBerth.start();
  admin = await berth.adminToken();
  hostId = (await berth.addHost(admin, { name: 'a', url: fleet().a })).id;
  // Something to search: teams made with known request ids, failed sign-ins, a policy change.
  for (let i = 0; i < 5; i += 1) {
    await berth.api('POST', '/api/teams', {
      token: admin,
      body: { name: `${RUN}-${i}` },
      headers: { 'x-request-id': `${RUN}-team-${i}` },
    });
  }
  for (let i = 0; i < 2; i += 1) await signIn(berth, 'admin', 'wrong-password');
  await berth.api('PUT', `/api/hosts/${hostId}/policy`, { token: admin, body: {} });
});
afterAll(() => berth.stop());

async function page(query: string): Promise<TAuditPage> {
  const res = await berth.api<TAuditPage>('GET', `/api/audit?${query}`, { token: admin });
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function withDb<T>(work: (prisma: PrismaService) => Promise<T>, on = berth): Promise<T> {
  const prisma = new PrismaService(on.server.app.get<Config>(CONFIG));
  try {
    return await work(prisma);
  } finally {
    await prisma.onModuleDestroy();
  }
}

/** `npm run berth -- audit-verify` against the test server's database. */
async function cliVerify(on: TestBerth): Promise<{ code: number; stdout: string }> {
  const config = on.server.app.get<Config>(CONFIG);
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production' as const,
    DATABASE_URL: config.database.url,
    BERTH_DATA_DIR: config.dataDir,
  };
  try {
    const { stdout } = await run(process.execPath, [CLI, 'audit-verify'], { env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('audit log API', () => {
  it('records who, from where and with which request id', async () => {
    const { items } = await page(`action=team.create&limit=5`);
    expect(items.map((e) => e.requestId)).toEqual([4, 3, 2, 1, 0].map((i) => `${RUN}-team-${i}`));
    expect(items[0]).toMatchObject({
      actor: { type: 'token', name: expect.stringMatching(/^admin \(token /) },
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: expect.any(String),
      action: 'team.create',
      target: `${RUN}-4`,
      outcome: 'success',
      details: { teamId: expect.any(String) },
    });
  });

  it('filters by action, action family, actor, host, outcome and time', async () => {
    expect((await page('action=auth.login_failed')).items).toHaveLength(2);
    const family = (await page('action=team.*&limit=500')).items;
    expect(new Set(family.map((e) => e.action))).toEqual(new Set(['team.create']));
    expect((await page('outcome=failure')).items.every((e) => e.outcome === 'failure')).toBe(true);
    const onHost = (await page(`hostId=${hostId}`)).items;
    expect(onHost.map((e) => e.action).sort()).toEqual(['host.create', 'policy.update']);

    // An actor is found by name (token calls included) or by id.
    const byName = (await page('actor=admin&action=team.create')).items;
    expect(byName).toHaveLength(5);
    const adminId = byName[0]?.actor.id ?? '';
    expect((await page(`actor=${adminId}&action=team.create`)).items).toHaveLength(5);
    expect((await page('actor=nobody-at-all')).items).toEqual([]);

    const all = (await page('limit=500')).items;
    const third = all.find((e) => e.requestId === `${RUN}-team-2`) as TAuditEvent;
    const since = (await page(`from=${encodeURIComponent(third.time)}&action=team.create`)).items;
    expect(since.map((e) => e.target)).toEqual(
      expect.arrayContaining([`${RUN}-2`, `${RUN}-3`, `${RUN}-4`]),
    );
    expect(since.map((e) => e.target)).not.toContain(`${RUN}-0`);
    const until = (await page(`to=${encodeURIComponent(third.time)}&action=team.create`)).items;
    expect(until.map((e) => e.target)).toContain(`${RUN}-0`);
    expect(until.map((e) => e.target)).not.toContain(`${RUN}-4`);
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const everything = (await page('limit=500')).items.map((e) => e.id);
    expect(everything).toEqual([...everything].sort((a, b) => b - a));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const next: TAuditPage = await page(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(next.items.length).toBeLessThanOrEqual(3);
      seen.push(...next.items.map((e) => e.id));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything);
  });

  it('names each bad filter and is for administrators only', async () => {
    const bad = await berth.api<ErrorBody>(
      'GET',
      '/api/audit?action=team.explode&outcome=maybe&from=yesterday&cursor=abc&limit=0',
      { token: admin },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.issues?.map((i) => i.path).sort()).toEqual([
      'action',
      'cursor',
      'from',
      'limit',
      'outcome',
    ]);
    const name = unique('curious');
    await createUser(berth, admin, name);
    const { session } = await signIn(berth, name, USER_PASSWORD);
    for (const path of ['/api/audit', '/api/audit/export', '/api/audit/verify']) {
      expect((await berth.api('GET', path, { headers: session?.headers ?? {} })).status).toBe(403);
    }
  });

  it('exports CSV as a streamed download, with spreadsheet formulas defused', async () => {
    // A user agent is whatever the caller says it is.
    await berth.api('POST', '/api/teams', {
      token: admin,
      body: { name: `${RUN}-csv` },
      headers: { 'user-agent': '=HYPERLINK("http://evil.example","x")' },
    });
    const res = await fetch(`${berth.url}/api/audit/export?format=csv&action=team.create`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="berth-audit-[\dT-]+Z\.csv"$/,
    );
    // Streamed: sent in chunks, not as one buffered body of known length.
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,time,actorType,actorId,actorName,ip,userAgent,hostId,action,target,outcome,status,requestId,details,prevHash,hash',
    );
    expect(lines).toHaveLength(1 + 6);
    // Oldest first, as a log is read.
    expect(lines[1]).toContain(`${RUN}-team-0`);
    expect(lines[6]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(lines[1]).toMatch(/"\{""teamId"":""\w+""\}",[0-9a-f]{64},[0-9a-f]{64}$/);
  });

  it('exports JSON lines with the chain fields, and records that it did', async () => {
    const res = await fetch(
      `${berth.url}/api/audit/export?format=jsonl&actor=admin&action=team.*`,
      {
        headers: { authorization: `Bearer ${admin}` },
      },
    );
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/\.jsonl"$/);
    const records = (await res.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as TAuditEvent & { prevHash: string; hash: string });
    expect(records.map((r) => r.target)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `${RUN}-${i}`).concat(`${RUN}-csv`),
    );
    for (let i = 1; i < records.length; i += 1) {
      expect(records[i]?.id).toBeGreaterThan(records[i - 1]?.id ?? Infinity);
    }
    expect(records[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    const [exported] = (await page('action=audit.export')).items;
    expect(exported?.details).toEqual({
      format: 'jsonl',
      filter: { actor: 'admin', action: 'team.*' },
    });
  });

  it('never records secrets', async () => {
    const created = await berth.api<TCreateTokenResponse>('POST', '/api/tokens', {
      token: admin,
      body: { name: 'secret-check' },
    });
    await createUser(berth, admin, unique('pw'), { password: 'a-password-nobody-sees' });
    const all = await (
      await fetch(`${berth.url}/api/audit/export?format=jsonl`, {
        headers: { authorization: `Bearer ${admin}` },
      })
    ).text();
    expect(all).not.toContain(created.body.token);
    expect(all).not.toContain('a-password-nobody-sees');
    expect(all).not.toContain('test-admin-password-1');
  });

  it('verifies the hash chain over the API and the CLI, and finds a hand edit', async () => {
    const before = await berth.api<TAuditVerifyResult>('GET', '/api/audit/verify', {
      token: admin,
    });
    expect(before.body).toMatchObject({ ok: true, firstId: 1 });
    expect(before.body.checked).toBeGreaterThan(10);
    const intact = await cliVerify(berth);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit log intact: \d+ record\(s\)/);

    const target = (await page(`action=team.create&limit=1`)).items[0] as TAuditEvent;
    await withDb((prisma) =>
      prisma.db.auditEvent.update({ where: { id: target.id }, data: { target: 'innocent' } }),
    );
    const after = await berth.api<TAuditVerifyResult>('GET', '/api/audit/verify', { token: admin });
    expect(after.body).toMatchObject({ ok: false, brokenAt: target.id });
    const broken = await cliVerify(berth);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`audit log broken at record ${target.id}`);
  });
});

describe('audit retention', () => {
  let kept: TestBerth;
  let token: string;

  beforeAll(async () => {
    kept = await TestBerth.start({ BERTH_AUDIT_RETENTION_DAYS: '1' });
    token = await kept.adminToken();
    for (let i = 0; i < 3; i += 1) {
      await kept.api<TTeam>('POST', '/api/teams', { token, body: { name: `${RUN}-r${i}` } });
    }
  });
  afterAll(() => kept.stop());

  it('deletes records past the retention period, records that it did, and still verifies', async () => {
    const retention = kept.server.app.get(AuditRetention);
    // Nothing is old enough yet.
    expect(await retention.prune()).toBe(0);
    const total = await withDb((prisma) => prisma.db.auditEvent.count(), kept);
    // Two days on, every record so far is past the one-day retention.
    expect(await retention.prune(new Date(Date.now() + 2 * 86_400_000))).toBe(total);
    const { items } = (await kept.api<TAuditPage>('GET', '/api/audit', { token })).body;
    expect(items.map((e) => e.action)).toEqual(['audit.prune']);
    expect(items[0]?.details).toMatchObject({ deleted: total, retentionDays: 1 });

    await kept.api('POST', '/api/teams', { token, body: { name: `${RUN}-after` } });
    const verified = await kept.api<TAuditVerifyResult>('GET', '/api/audit/verify', { token });
    expect(verified.body).toEqual({ ok: true, checked: 2, firstId: total + 1 });
    expect((await cliVerify(kept)).code).toBe(0);

    // An edit after pruning is still found.
    await withDb(
      (prisma) =>
        prisma.db.auditEvent.updateMany({
          where: { id: total + 2 },
          data: { outcome: 'failure' },
        }),
      kept,
    );
    expect(
      (await kept.api<TAuditVerifyResult>('GET', '/api/audit/verify', { token })).body,
    ).toEqual({ ok: false, checked: 1, brokenAt: total + 2, firstId: total + 1 });
  });
});
