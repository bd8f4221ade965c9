import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { TAuditVerifyResult } from '@berth/shared';
import { AuditLog } from '../src/audit/audit-log.js';
import { loadConfig } from '../src/config/config.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { ADMIN_PASSWORD, TestDatabase } from './support/berth.js';
import { type BuiltServer, startBuilt } from './support/built-server.js';
import { type CliTarget, docker, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { apiAt, signIn, tokenFor, unique } from './support/identity.js';

/**
 * The audit log under a crash: the built server (`npm run build`; BERTH_TEST_SERVER_MAIN names
 * another build) takes a burst of changes and is killed with SIGKILL in the middle. Every change
 * that was answered 2xx must have its record, and the chain must still verify. Engine changes
 * (containers created on host a through REST and through the gateway) are journaled before the
 * engine is asked: after the restart every container the engine holds has its record.
 */
jest.setTimeout(180_000);

const BURST = 200;
const KILL_AFTER = 40;
/** Engine changes answered before the kill; the rest are in flight or not sent yet. */
const ENGINE_KILL_AFTER = 60;
const RUN = randomBytes(4).toString('hex');
const direct: CliTarget = { host: fleetHost('a').direct };

/** The data directory and database of each test; the servers a test starts share them. */
interface Store {
  dataDir: string;
  database: TestDatabase;
}
let store: Store;
const stores: Store[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-durability-'));
  store = { dataDir, database: await TestDatabase.create(dataDir) };
  stores.push(store);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await removeLabelled(direct, `test.run=${RUN}`);
  for (const { dataDir, database } of stores) {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Starts the built server on this test's database and waits until it answers. */
async function startServer(): Promise<BuiltServer> {
  const server = await startBuilt({
    BERTH_LOCAL_SOCKET: '',
    BERTH_DATA_DIR: store.dataDir,
    DATABASE_URL: store.database.url,
    BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
  });
  children.push(server.child);
  return server;
}

async function withDb<T>(work: (prisma: PrismaService) => Promise<T>): Promise<T> {
  const prisma = new PrismaService(
    loadConfig({ DATABASE_URL: store.database.url, BERTH_DATA_DIR: store.dataDir }),
  );
  try {
    return await work(prisma);
  } finally {
    await prisma.onModuleDestroy();
  }
}

describe('audit log durability', () => {
  it('keeps a record of every answered change when the server is killed mid-burst', async () => {
    const server = await startServer();
    const api = apiAt(server.url);
    const { session } = await signIn(api, 'admin', ADMIN_PASSWORD);
    if (!session) throw new Error('sign-in failed');
    const token = await tokenFor(api, session);

    const run = unique('burst');
    const answered: string[] = [];
    let failed = 0;
    await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const requestId = `${run}-${i}`;
        try {
          const res = await fetch(`${server.url}/api/teams`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'x-request-id': requestId,
            },
            body: JSON.stringify({ name: requestId }),
          });
          await res.text();
          if (res.status >= 200 && res.status < 300) {
            answered.push(requestId);
            if (answered.length === KILL_AFTER) server.child.kill('SIGKILL');
          } else failed += 1;
        } catch {
          failed += 1;
        }
      }),
    );
    await server.exited(30_000);
    // The kill landed in the middle of the burst.
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(failed).toBeGreaterThan(0);
    expect(answered.length + failed).toBe(BURST);

    await withDb(async (prisma) => {
      const records = await prisma.db.auditEvent.findMany({
        where: { action: 'team.create', requestId: { startsWith: run } },
      });
      const recorded = new Set(records.map((r) => r.requestId));
      expect(answered.filter((id) => !recorded.has(id))).toEqual([]);
      // A change and its record are committed together: no team without its record, nor the reverse.
      const teams = await prisma.db.team.findMany({ where: { name: { startsWith: run } } });
      expect(teams.map((t) => t.name).sort()).toEqual([...recorded].sort());
      expect(await new AuditLog(prisma).verify()).toMatchObject({ ok: true });
    });

    // The server starts again on the same data and agrees.
    const again = await startServer();
    const verified = await fetch(`${again.url}/api/audit/verify`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await verified.json()) as TAuditVerifyResult).ok).toBe(true);
    again.child.kill('SIGKILL');
    await again.exited(30_000);

    // One row edited by hand breaks the chain at that row.
    await withDb(async (prisma) => {
      const victim = await prisma.db.auditEvent.findFirst({
        where: { requestId: answered[0] ?? '' },
      });
      if (!victim) throw new Error('no record to edit');
      await prisma.db.auditEvent.update({
        where: { id: victim.id },
        data: { actorName: 'someone else' },
      });
      expect(await new AuditLog(prisma).verify()).toMatchObject({ ok: false, brokenAt: victim.id });
    });
  });
});

/**
 * SIGKILL once some change is journaled and not settled yet: the crash this test is about. On a
 * busy machine the moment the answers reach the threshold may fall between two changes.
 */
async function killWhileJournaled(child: { kill(signal: NodeJS.Signals): boolean }): Promise<void> {
  await withDb(async (prisma) => {
    const until = Date.now() + 10_000;
    while ((await prisma.db.auditIntent.count()) === 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });
  child.kill('SIGKILL');
}

/** Names of the containers on host a labelled with `run`. */
async function engineContainers(run: string): Promise<string[]> {
  const { stdout } = await docker(direct, [
    'ps',
    '-a',
    '--filter',
    `label=test.run=${run}`,
    '--format',
    '{{.Names}}',
  ]);
  return stdout.split('\n').filter(Boolean);
}

interface EngineBurst {
  /** The audit action its records carry. */
  action: 'container.create' | 'engine.call';
  /** Creates container `name` with a secret in its environment. */
  create(server: string, token: string, hostId: string, name: string): Promise<Response>;
}

const SECRET = `burst-secret-${RUN}`;
const LABELS = { 'test.run': RUN };

const REST_CREATE: EngineBurst = {
  action: 'container.create',
  create: (server, token, hostId, name) =>
    fetch(`${server}/api/hosts/${hostId}/containers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        image: fleet().image,
        start: false,
        pull: 'never',
        labels: LABELS,
        env: [{ name: 'TOKEN', value: SECRET, secret: true }],
      }),
    }),
};

const GATEWAY_CREATE: EngineBurst = {
  action: 'engine.call',
  create: (server, token, hostId, name) =>
    fetch(`${server}/api/hosts/${hostId}/docker/v1.41/containers/create?name=${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Image: fleet().image, Labels: LABELS, Env: [`TOKEN=${SECRET}`] }),
    }),
};

/**
 * BURST concurrent creates on host a, SIGKILL after ENGINE_KILL_AFTER answers, restart on the same
 * database: every container the engine holds has a record that does not deny it (`success`, or
 * `unknown` when the engine could not tell), every answered create has `success`, nothing claims
 * success for a container the engine lacks, the journal is empty and the chain verifies.
 */
async function crashDuringEngineBurst(burst: EngineBurst): Promise<void> {
  const server = await startServer();
  const api = apiAt(server.url);
  const { session } = await signIn(api, 'admin', ADMIN_PASSWORD);
  if (!session) throw new Error('sign-in failed');
  const token = await tokenFor(api, session);
  const host = await api.api<{ id: string }>('POST', '/api/hosts', {
    token,
    body: { ...fleetHost('a').registration, name: unique('a') },
  });
  if (host.status !== 201) throw new Error(`adding host a: ${host.status}`);

  const run = unique(`wa-${RUN}`);
  const answered: string[] = [];
  let kill: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: BURST }, async (_, i) => {
      const name = `${run}-${i}`;
      try {
        const res = await burst.create(server.url, token, host.body.id, name);
        await res.text();
        if (res.status >= 200 && res.status < 300) {
          answered.push(name);
          if (answered.length === ENGINE_KILL_AFTER) kill = killWhileJournaled(server.child);
        }
      } catch {
        // cut off by the kill
      }
    }),
  );
  await kill;
  await server.exited(30_000);
  expect(answered.length).toBeGreaterThanOrEqual(ENGINE_KILL_AFTER);
  expect(answered.length).toBeLessThan(BURST);

  // As the kill left it: changes journaled and not settled, none with the secret.
  const left = await withDb((prisma) => prisma.db.auditIntent.findMany());
  expect(left.length).toBeGreaterThan(0);
  expect(JSON.stringify(left)).not.toContain(SECRET);

  const again = await startServer();
  const made = new Set((await engineContainers(RUN)).filter((name) => name.startsWith(`${run}-`)));
  await withDb(async (prisma) => {
    expect(await prisma.db.auditIntent.count()).toBe(0);
    const records = await prisma.db.auditEvent.findMany({
      where: { action: burst.action, target: { startsWith: `${run}-` } },
    });
    expect(JSON.stringify(records)).not.toContain(SECRET);
    const outcome = new Map(records.map((r) => [r.target!, r.outcome]));
    // One record per create that was journaled, never two.
    expect(outcome.size).toBe(records.length);
    const unaccounted = [...made].filter(
      (name) => !['success', 'unknown'].includes(outcome.get(name) ?? ''),
    );
    expect(unaccounted).toEqual([]);
    expect(answered.filter((name) => outcome.get(name) !== 'success')).toEqual([]);
    const claimed = records.filter((r) => r.outcome === 'success' && !made.has(r.target!));
    expect(claimed.map((r) => r.target)).toEqual([]);
    expect(records.some((r) => r.details?.includes('"settledAtStart":true'))).toBe(true);
  });
  const verified = await fetch(`${again.url}/api/audit/verify`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(((await verified.json()) as TAuditVerifyResult).ok).toBe(true);
  again.child.kill('SIGKILL');
  await again.exited(30_000);
}

describe('engine changes under a crash', () => {
  it('accounts for every container created through REST', () =>
    crashDuringEngineBurst(REST_CREATE));

  it('accounts for every container created through the gateway', () =>
    crashDuringEngineBurst(GATEWAY_CREATE));
});
