import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody, TCreateContainerResponse } from '@berth/shared';
import { AuditIntentRecovery } from '../src/audit/audit-intent-recovery.js';
import { encodeIntent } from '../src/audit/audit-intent.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { type CliTarget, dockerOk, removeLabelled } from './support/docker-cli.js';
import { EngineTap, type TapAction } from './support/engine-tap.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * The audit log's write-ahead journal on a real engine (host a) and database: an engine change is
 * journaled and committed before the engine sees it, its record replaces the journal entry once
 * the answer is known (failure with the engine's reason, `unknown` when the answer is lost), and
 * intents a dead run left are settled at start, by asking the engine where it can tell.
 * The engine is reached through a pass-through socket (`EngineTap`) that lets a test look at the
 * database at the moment the engine gets a call, or cut the connection before the answer.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const SECRET = `s3cret-${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };

let berth: TestBerth;
let token: string;
let tap: EngineTap;
let downTap: EngineTap;
let hostId: string;
let downHostId: string;

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  const socket = fleetHost('a').direct.replace(/^unix:\/\//, '');
  tap = await EngineTap.start(socket);
  downTap = await EngineTap.start(socket);
  hostId = (await berth.addHost(token, { name: `tap-${RUN}`, url: `unix://${tap.path}` })).id;
  downHostId = (await berth.addHost(token, { name: `down-${RUN}`, url: `unix://${downTap.path}` }))
    .id;
  await downTap.close();
});

afterAll(async () => {
  await removeLabelled(direct, LABEL);
  await berth?.stop();
  await tap?.close();
});

const db = () => berth.server.app.get(PrismaService).db;

function create(body: Record<string, unknown>) {
  return berth.api<TCreateContainerResponse | ErrorBody>(
    'POST',
    `/api/hosts/${hostId}/containers`,
    { token, body: { start: false, pull: 'never', labels: { 'test.run': RUN }, ...body } },
  );
}

/** Whenever the engine gets a call matching `pattern`, what the journal holds at that moment. */
function journalAt(pattern: RegExp, action: TapAction = 'pass'): string[][] {
  const seen: string[][] = [];
  tap.before = async (req) => {
    if (req.method !== 'POST' || !pattern.test(req.url ?? '')) return 'pass';
    seen.push((await db().auditIntent.findMany()).map((row) => row.entry));
    return action;
  };
  return seen;
}

async function recordsOf(target: string) {
  const rows = await db().auditEvent.findMany({ where: { target }, orderBy: { id: 'asc' } });
  return rows.map((row) => ({
    ...row,
    details: JSON.parse(row.details ?? '{}') as Record<string, unknown>,
  }));
}

describe('audit write-ahead journal', () => {
  it('commits a create to the journal before the engine sees it, without its secret', async () => {
    const name = `wa-${RUN}-made`;
    const seen = journalAt(/\/containers\/create/);
    const res = await create({
      name,
      image: IMAGE,
      env: [
        { name: 'API_KEY', value: SECRET, secret: true },
        { name: 'PLAIN', value: 'plain' },
      ],
    });
    expect(res.status).toBe(201);
    // When the engine got the create, its intent was already committed.
    expect(seen).toHaveLength(1);
    const intent = seen[0]!.find((entry) => entry.includes(name));
    expect(JSON.parse(intent ?? 'null')).toMatchObject({
      entry: { action: 'container.create', target: name, details: { secretEnv: 1 } },
      check: { container: name, exists: true },
    });
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    // Settled: the record replaced the intent.
    expect(await db().auditIntent.count()).toBe(0);
    const records = await recordsOf(name);
    expect(records.map((r) => r.outcome)).toEqual(['success']);
    expect(JSON.stringify(records)).not.toContain(SECRET);
  });

  it("settles a failed engine call as failure with the engine's reason", async () => {
    const name = `wa-${RUN}-noimage`;
    const seen = journalAt(/\/containers\/create/);
    const res = await create({ name, image: `local/missing-${RUN}:1` });
    expect(res.status).toBe(404);
    expect(seen[0]?.some((entry) => entry.includes(name))).toBe(true);
    expect(await db().auditIntent.count()).toBe(0);
    const [record, ...more] = await recordsOf(name);
    expect(more).toEqual([]);
    expect(record).toMatchObject({ action: 'container.create', outcome: 'failure' });
    expect(record!.details).toMatchObject({ error: 'NOT_FOUND' });
    expect(String(record!.details.reason)).toMatch(/no such image/i);
  });

  it('settles as unknown when the engine acted but its answer was lost', async () => {
    const name = `wa-${RUN}-lost`;
    tap.before = () => Promise.resolve('pass');
    const made = await create({ name, image: IMAGE, cmd: ['sleep', '600'], start: true });
    expect(made.status).toBe(201);
    journalAt(/\/kill/, 'lose-answer');
    const kill = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${hostId}/containers/${name}/kill`,
      { token },
    );
    expect(kill.status).toBe(502);
    tap.before = () => Promise.resolve('pass');
    // The engine did kill it; the record does not claim either way.
    expect(await dockerOk(direct, ['inspect', '-f', '{{.State.Running}}', name])).toBe('false');
    const kills = (await recordsOf(name)).filter((r) => r.action === 'container.kill');
    expect(kills.map((r) => r.outcome)).toEqual(['unknown']);
    expect(kills[0]!.details).toMatchObject({ error: 'HOST_UNREACHABLE' });
  });

  it('settles at start what a dead run left, asking the engine where it can tell', async () => {
    const audit = berth.server.app.get(AuditLog);
    const present = `wa-${RUN}-present`;
    await dockerOk(direct, ['create', '--name', present, '--label', LABEL, IMAGE]);
    const actor = { type: 'user' as const, id: null, name: `dead-${RUN}` };
    const left = (
      target: string,
      check: { container: string; exists: boolean } | undefined,
      extra: { host?: string; replica?: string; heldMinutesAgo?: number } = {},
    ) => {
      const at = new Date(Date.now() - (extra.heldMinutesAgo ?? 0) * 60_000);
      return db().auditIntent.create({
        data: {
          id: `${RUN}-${target}`,
          entry: encodeIntent(
            { actor, action: 'container.create', hostId: extra.host ?? hostId, target },
            check,
          ),
          createdAt: at,
          heldAt: at,
          replica: extra.replica ?? audit.replica,
          process: 'an-earlier-run',
        },
      });
    };
    await left(present, { container: present, exists: true });
    await left('never-made', { container: `wa-${RUN}-never-made`, exists: true });
    await left('removed', { container: 'f'.repeat(64), exists: false });
    await left('unchecked', undefined);
    await left('host-down', { container: present, exists: true }, { host: downHostId });
    await left('other-replica-live', undefined, { replica: 'elsewhere' });
    await left('other-replica-gone', undefined, { replica: 'elsewhere', heldMinutesAgo: 10 });

    const started = Date.now();
    await berth.server.app.get(AuditIntentRecovery).settleLeftovers('start');
    expect(Date.now() - started).toBeLessThan(10_000);

    const rows = await db().auditEvent.findMany({ where: { actorName: actor.name } });
    const outcomes = new Map(
      rows.map((row) => [
        row.target,
        { outcome: row.outcome, details: JSON.parse(row.details ?? '{}') as unknown },
      ]),
    );
    expect(outcomes.get(present)).toEqual({
      outcome: 'success',
      details: expect.objectContaining({
        settledAtStart: true,
        engineCheck: { container: present, exists: true },
      }),
    });
    expect(outcomes.get('never-made')?.outcome).toBe('failure');
    expect(outcomes.get('removed')?.outcome).toBe('success');
    expect(outcomes.get('unchecked')).toEqual({
      outcome: 'unknown',
      details: expect.objectContaining({ settledAtStart: true }),
    });
    expect(outcomes.get('host-down')?.outcome).toBe('unknown');
    expect(outcomes.get('other-replica-gone')?.outcome).toBe('unknown');
    const remaining = (await db().auditIntent.findMany()).map((row) => row.id);
    if (berth.provider === 'postgresql') {
      // Another replica that is alive keeps its intent until it settles it itself.
      expect(outcomes.get('other-replica-live')).toBeUndefined();
      expect(remaining).toEqual([`${RUN}-other-replica-live`]);
      await db().auditIntent.deleteMany();
    } else {
      // One server per SQLite database: whatever is in the journal was left by an earlier run.
      expect(outcomes.get('other-replica-live')?.outcome).toBe('unknown');
      expect(remaining).toEqual([]);
    }
    const verified = await berth.api<{ ok: boolean }>('GET', '/api/audit/verify', { token });
    expect(verified.body.ok).toBe(true);
  });

  it('leaves held intents alone and still records an outcome settled late', async () => {
    const audit = berth.server.app.get(AuditLog);
    const recovery = berth.server.app.get(AuditIntentRecovery);
    const actor = { type: 'user' as const, id: null, name: `held-${RUN}` };
    const pending = await audit.intend({ actor, action: 'container.stop', target: 'held' });
    // Long-held intents are marked held again, so other replicas do not take them for abandoned.
    const before = await db().auditIntent.findUniqueOrThrow({ where: { id: pending.id } });
    await audit.keepHeld(0, Date.now() + 1_000);
    const after = await db().auditIntent.findUniqueOrThrow({ where: { id: pending.id } });
    expect(after.heldAt.getTime()).toBeGreaterThan(before.heldAt.getTime());
    // This process's own sweep never settles an intent it still waits on.
    expect(await recovery.settleLeftovers('sweep', new Date(Date.now() + 3_600_000))).toBe(0);
    expect(await db().auditIntent.count({ where: { id: pending.id } })).toBe(1);
    // Another replica settles it as abandoned (this process stalled); the real outcome follows.
    const gone = await audit.settleLeft(pending.id, {
      actor,
      action: 'container.stop',
      outcome: 'unknown',
      target: 'held',
    });
    expect(gone).toBe(true);
    await pending.settle({ outcome: 'success', status: 204 });
    await pending.settle({ outcome: 'failure' });
    const rows = await db().auditEvent.findMany({
      where: { actorName: actor.name },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.outcome, JSON.parse(r.details ?? '{}') as unknown])).toEqual([
      ['unknown', {}],
      ['success', { intentSettledEarlier: true }],
    ]);
    expect(rows[1]!.status).toBe(204);
  });
});
