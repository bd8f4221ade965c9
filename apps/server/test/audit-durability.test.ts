import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TAuditVerifyResult } from '@berth/shared';
import { AuditLog } from '../src/audit/audit-log.js';
import { loadConfig } from '../src/config/config.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { ADMIN_PASSWORD, TestDatabase } from './support/berth.js';
import { apiAt, signIn, tokenFor, unique } from './support/identity.js';

/**
 * The audit log under a crash: the built server (`npm run build`) takes a burst of changes and is
 * killed with SIGKILL in the middle. Every change that was answered 2xx must have its record, and
 * the chain must still verify.
 */
jest.setTimeout(120_000);

const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const BURST = 200;
const KILL_AFTER = 40;

let dataDir: string;
let database: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-durability-'));
  database = await TestDatabase.create(dataDir);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the built server on a fresh port and waits until it answers. */
async function startServer(): Promise<{
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
}> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      BERTH_BIND: '127.0.0.1',
      BERTH_WEB: 'off',
      BERTH_LOCAL_SOCKET: '',
      BERTH_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i += 1) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child, exited };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not start: ${stderr}`);
}

async function withDb<T>(work: (prisma: PrismaService) => Promise<T>): Promise<T> {
  const prisma = new PrismaService(
    loadConfig({ DATABASE_URL: database.url, BERTH_DATA_DIR: dataDir }),
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
    await server.exited;
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
    await again.exited;

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
