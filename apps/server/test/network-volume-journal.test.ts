import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody } from '@berth/shared';
import { AuditIntentRecovery } from '../src/audit/audit-intent-recovery.js';
import { type EngineCheck, encodeIntent } from '../src/audit/audit-intent.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { EngineTap, type TapAction } from './support/engine-tap.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * Network and volume changes are as durable as container changes (see audit-write-ahead.test.ts):
 * create, remove, connect and disconnect are journaled with how the engine can tell their outcome
 * and committed before the engine sees them; a lost answer is settled `unknown`; what a dead run
 * left is settled at start by what host a's engine shows; and when the journal cannot be written
 * the engine is never asked, so nothing is made that the audit log does not hold.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };

let berth: TestBerth;
let token: string;
let tap: EngineTap;
let hostId: string;

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  tap = await EngineTap.start(fleetHost('a').direct.replace(/^unix:\/\//, ''));
  hostId = (await berth.addHost(token, { name: `nv-tap-${RUN}`, url: `unix://${tap.path}` })).id;
});

afterAll(async () => {
  await removeLabelled(direct, LABEL);
  for (const kind of ['network', 'volume']) {
    const listed = await docker(direct, [kind, 'ls', '-q', '--filter', `label=${LABEL}`]);
    const names = listed.stdout.split('\n').filter(Boolean);
    if (names.length > 0) await docker(direct, [kind, 'rm', ...names]);
  }
  await berth?.stop();
  await tap?.close();
});

const db = () => berth.server.app.get(PrismaService).db;
const labels = { 'test.run': RUN };

function api<T>(method: string, path: string, body?: unknown) {
  return berth.api<T | ErrorBody>(method, `/api/hosts/${hostId}${path}`, { token, body });
}

/** Whenever the engine gets a change matching `pattern`, the journal's entries at that moment. */
function journalAt(pattern: RegExp, action: TapAction = 'pass'): unknown[][] {
  const seen: unknown[][] = [];
  tap.before = async (req) => {
    if (req.method === 'GET' || !pattern.test(req.url ?? '')) return 'pass';
    const rows = await db().auditIntent.findMany();
    seen.push(rows.map((row) => JSON.parse(row.entry) as unknown));
    return action;
  };
  return seen;
}

async function outcomesOf(target: string): Promise<[string, string][]> {
  const rows = await db().auditEvent.findMany({ where: { target }, orderBy: { id: 'asc' } });
  return rows.map((row) => [row.action, row.outcome]);
}

const exists = async (kind: 'network' | 'volume', name: string) =>
  (await docker(direct, [kind, 'inspect', name])).code === 0;

describe('network and volume changes in the write-ahead journal', () => {
  it('journals create, connect, disconnect and remove with their engine check before the engine sees them', async () => {
    const network = `nj-${RUN}-net`;
    const volume = `nj-${RUN}-vol`;
    const container = `nj-${RUN}-c`;
    await dockerOk(direct, ['create', '--name', container, '--label', LABEL, fleet().image]);
    const containerId = await dockerOk(direct, ['inspect', '-f', '{{.Id}}', container]);

    const seen = journalAt(/\/(networks|volumes)\//);
    const made = await api<{ id: string }>('POST', '/networks', {
      name: network,
      driver: 'bridge',
      labels,
    });
    expect(made.status).toBe(201);
    const networkId = (made.body as { id: string }).id;
    expect((await api('POST', '/volumes', { name: volume, labels })).status).toBe(201);
    const endpoint = { container };
    expect((await api('POST', `/networks/${network}/connect`, endpoint)).status).toBe(204);
    expect((await api('POST', `/networks/${network}/disconnect`, endpoint)).status).toBe(204);
    expect((await api('DELETE', `/volumes/${volume}`)).status).toBe(204);
    expect((await api('DELETE', `/networks/${network}`)).status).toBe(204);

    // Each change was committed to the journal, with its check, when the engine got it.
    const intents = seen.map((rows) => rows as { entry: { action: string }; check: EngineCheck }[]);
    expect(intents.map((rows) => rows.map((r) => [r.entry.action, r.check]))).toEqual([
      [['network.create', { network, exists: true }]],
      [['volume.create', { volume, exists: true }]],
      [['network.connect', { network: networkId, attached: containerId, exists: true }]],
      [['network.disconnect', { network: networkId, attached: containerId, exists: false }]],
      [['volume.remove', { volume, exists: false }]],
      [['network.remove', { network: networkId, exists: false }]],
    ]);
    expect(await db().auditIntent.count()).toBe(0);
    expect(await outcomesOf(network)).toEqual([
      ['network.create', 'success'],
      ['network.connect', 'success'],
      ['network.disconnect', 'success'],
      ['network.remove', 'success'],
    ]);
    expect(await outcomesOf(volume)).toEqual([
      ['volume.create', 'success'],
      ['volume.remove', 'success'],
    ]);
  });

  it('settles a create whose answer was lost as unknown; the engine made it', async () => {
    const volume = `nj-${RUN}-lost`;
    journalAt(/\/volumes\/create/, 'lose-answer');
    const res = await api('POST', '/volumes', { name: volume, labels });
    tap.before = () => Promise.resolve('pass');
    expect(res.status).toBe(502);
    expect(await exists('volume', volume)).toBe(true);
    expect(await outcomesOf(volume)).toEqual([['volume.create', 'unknown']]);
    expect(await db().auditIntent.count()).toBe(0);
  });

  it('settles at start what a dead run left, by what the engine shows', async () => {
    const audit = berth.server.app.get(AuditLog);
    const present = `nj-${RUN}-present`;
    const attached = `nj-${RUN}-attached`;
    await dockerOk(direct, ['network', 'create', '--label', LABEL, present]);
    await dockerOk(direct, ['volume', 'create', '--label', LABEL, present]);
    await dockerOk(direct, [
      'create',
      '--name',
      attached,
      '--label',
      LABEL,
      '--network',
      present,
      fleet().image,
    ]);
    const actor = { type: 'user' as const, id: null, name: `nj-dead-${RUN}` };
    const left = (
      key: string,
      action:
        | 'network.create'
        | 'network.remove'
        | 'volume.create'
        | 'volume.remove'
        | 'network.connect'
        | 'network.disconnect',
      check: EngineCheck,
    ) =>
      db().auditIntent.create({
        data: {
          id: `${RUN}-${key}`,
          entry: encodeIntent({ actor, action, hostId, target: key }, check),
          replica: audit.replica,
          process: 'an-earlier-run',
        },
      });
    const gone = `nj-${RUN}-never-made`;
    await left('net-made', 'network.create', { network: present, exists: true });
    await left('net-not-made', 'network.create', { network: gone, exists: true });
    await left('net-removed', 'network.remove', { network: gone, exists: false });
    await left('vol-made', 'volume.create', { volume: present, exists: true });
    await left('vol-not-removed', 'volume.remove', { volume: present, exists: false });
    await left('connected', 'network.connect', { network: present, attached, exists: true });
    await left('not-disconnected', 'network.disconnect', {
      network: present,
      attached,
      exists: false,
    });
    await left('not-connected', 'network.connect', { network: 'bridge', attached, exists: true });

    await berth.server.app.get(AuditIntentRecovery).settleLeftovers('start');

    const rows = await db().auditEvent.findMany({ where: { actorName: actor.name } });
    const outcomes = new Map(rows.map((row) => [row.target ?? '', row.outcome]));
    expect(Object.fromEntries(outcomes)).toEqual({
      'net-made': 'success',
      'net-not-made': 'failure',
      'net-removed': 'success',
      'vol-made': 'success',
      'vol-not-removed': 'failure',
      connected: 'success',
      'not-disconnected': 'failure',
      'not-connected': 'failure',
    });
    const connected = rows.find((row) => row.target === 'connected');
    expect(JSON.parse(connected?.details ?? '{}')).toMatchObject({
      settledAtStart: true,
      engineCheck: { network: present, attached, exists: true },
    });
    expect(await db().auditIntent.count()).toBe(0);
    const verified = await berth.api<{ ok: boolean }>('GET', '/api/audit/verify', { token });
    expect(verified.body.ok).toBe(true);
  });

  it('asks the engine nothing when the journal cannot be written', async () => {
    const network = `nj-${RUN}-nojournal`;
    const volume = `nj-${RUN}-nojournal`;
    const asked: string[] = [];
    tap.before = (req) => {
      if (req.method !== 'GET') asked.push(`${req.method} ${req.url}`);
      return Promise.resolve('pass');
    };
    // The journal's table is away: every intent fails to commit, as with a database gone.
    await db().$executeRawUnsafe('ALTER TABLE "AuditIntent" RENAME TO "AuditIntentAway"');
    let answers: number[];
    try {
      answers = [
        (await api('POST', '/networks', { name: network, driver: 'bridge', labels })).status,
        (await api('POST', '/volumes', { name: volume, labels })).status,
      ];
    } finally {
      await db().$executeRawUnsafe('ALTER TABLE "AuditIntentAway" RENAME TO "AuditIntent"');
    }
    expect(answers).toEqual([500, 500]);
    expect(asked).toEqual([]);
    expect(await exists('network', network)).toBe(false);
    expect(await exists('volume', volume)).toBe(false);
  });
});
