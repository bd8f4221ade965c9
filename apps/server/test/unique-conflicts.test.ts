import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody, THost } from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { HostsService } from '../src/hosts/hosts.service.js';
import { ADMIN_PASSWORD, TestBerth } from './support/berth.js';

/**
 * Hosts, registries and API tokens are written with their audit record in one transaction, and a
 * name taken by a request racing another is a 409 naming the field, never a 500. The hosts here
 * point at a socket that does not exist: what is tested is the database, not the engine.
 */
const NOWHERE = 'unix:///nonexistent/berth-unique-conflicts.sock';
const RACERS = 10;

describe('unique names under concurrent requests', () => {
  let berth: TestBerth;
  let token: string;

  beforeAll(async () => {
    berth = await TestBerth.start();
    token = await berth.adminToken();
  });
  afterAll(() => berth.stop());

  const audits = (action: string, target: string) =>
    berth.server.app.get(PrismaService).db.auditEvent.count({ where: { action, target } });

  /** Sends the same create RACERS times at once; answers the statuses and the conflict bodies. */
  async function race(path: string, body: Record<string, unknown>) {
    const answers = await Promise.all(
      Array.from({ length: RACERS }, () => berth.api<ErrorBody>('POST', path, { token, body })),
    );
    return {
      created: answers.filter((a) => a.status === 201),
      conflicts: answers.filter((a) => a.status === 409),
      statuses: answers.map((a) => a.status),
    };
  }

  it(`${RACERS} hosts created with one name at once: one 201, the rest 409 naming name`, async () => {
    const name = `race-${randomBytes(3).toString('hex')}`;
    const { created, conflicts, statuses } = await race('/api/hosts', { name, url: NOWHERE });
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(RACERS - 1);
    for (const conflict of conflicts) {
      expect(conflict.body.error).toMatchObject({
        code: 'CONFLICT',
        details: { issues: [{ path: 'name', message: 'already taken' }] },
      });
    }
    expect(await audits('host.create', name)).toBe(1);
    const hosts = (await berth.api<THost[]>('GET', '/api/hosts', { token })).body;
    expect(hosts.filter((h) => h.name === name)).toHaveLength(1);
  });

  it(`${RACERS} registries created with one name at once: one 201, the rest 409 naming name`, async () => {
    const name = `race-${randomBytes(3).toString('hex')}`;
    // Each with its own address, so only the name can clash.
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        berth.api<ErrorBody>('POST', '/api/registries', {
          token,
          body: { name, serverAddress: `${name}-${i}.example:5000`, username: 'u', password: 'p' },
        }),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const conflict of answers.filter((a) => a.status === 409)) {
      expect(conflict.body.error.details?.issues).toEqual([
        { path: 'name', message: 'already taken' },
      ]);
    }
    expect(await audits('registry.create', name)).toBe(1);
  });

  it(`${RACERS} registries created for one address at once: the rest 409 naming serverAddress`, async () => {
    const tag = randomBytes(3).toString('hex');
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        berth.api<ErrorBody>('POST', '/api/registries', {
          token,
          body: {
            name: `addr-${tag}-${i}`,
            serverAddress: `https://Reg-${tag}.example:5000/v2/`,
            username: 'u',
            password: 'p',
          },
        }),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const conflict of answers.filter((a) => a.status === 409)) {
      expect(conflict.body.error.details?.issues).toEqual([
        { path: 'serverAddress', message: 'already taken' },
      ]);
    }
  });

  it(`${RACERS} hosts renamed to one name at once: one 200, the rest 409 naming name`, async () => {
    const tag = randomBytes(3).toString('hex');
    const hosts = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        berth.addHost(token, { name: `rename-${tag}-${i}`, url: NOWHERE }),
      ),
    );
    const target = `renamed-${tag}`;
    const answers = await Promise.all(
      hosts.map((h) =>
        berth.api<ErrorBody>('PATCH', `/api/hosts/${h.id}`, { token, body: { name: target } }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const conflict of answers.filter((a) => a.status !== 200)) {
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.details?.issues).toEqual([
        { path: 'name', message: 'already taken' },
      ]);
    }
    expect(await audits('host.update', target)).toBe(1);
  });
});

describe('the local engine registered by servers starting together', () => {
  let berth: TestBerth;
  let socket: string;

  beforeAll(async () => {
    // A socket path that appears after the start, so the server itself has not registered it yet.
    socket = join(
      process.env.TMPDIR ?? '/tmp',
      `berth-local-${randomBytes(4).toString('hex')}.sock`,
    );
    berth = await TestBerth.start({ BERTH_LOCAL_SOCKET: socket });
  });
  afterAll(async () => {
    await berth.stop();
    rmSync(socket, { force: true });
  });

  it(`${RACERS} registrations at once (replicas starting side by side) make one host "local" and no error`, async () => {
    writeFileSync(socket, '');
    const hosts = berth.server.app.get(HostsService);
    await expect(
      Promise.all(Array.from({ length: RACERS }, () => hosts.registerLocalEngine())),
    ).resolves.toHaveLength(RACERS);
    const db = berth.server.app.get(PrismaService).db;
    const rows = await db.host.findMany({ where: { url: `unix://${socket}` } });
    expect(rows.map((r) => r.name)).toEqual(['local']);
    expect(await db.auditEvent.count({ where: { action: 'host.create', target: 'local' } })).toBe(
      1,
    );
  });

  it(`${RACERS} at once while another engine is named "local": one host under one other name`, async () => {
    const db = berth.server.app.get(PrismaService).db;
    // Someone registered another engine as "local"; this socket has no host any more.
    await db.host.update({ where: { name: 'local' }, data: { url: NOWHERE } });
    const hosts = berth.server.app.get(HostsService);
    await Promise.all(Array.from({ length: RACERS }, () => hosts.registerLocalEngine()));
    const rows = await db.host.findMany({ where: { url: `unix://${socket}` } });
    expect(rows.map((r) => r.name)).toEqual([expect.stringMatching(/^local-[0-9a-f]{8}$/)]);
  });
});

describe('an audit record that cannot be written takes its change with it', () => {
  let berth: TestBerth;
  let token: string;
  let triggers = 0;

  beforeAll(async () => {
    berth = await TestBerth.start();
    token = await berth.adminToken();
  });
  afterAll(() => berth.stop());

  const db = () => berth.server.app.get(PrismaService).db;

  /**
   * Makes the database refuse every audit row matching `condition` (SQL over the new row, `NEW`),
   * as a full disk or a lost connection would refuse it half-way through a change.
   */
  async function refuseAudits(condition: string): Promise<void> {
    const name = `refuse_audit_${++triggers}`;
    if (berth.provider === 'sqlite') {
      await db().$executeRawUnsafe(
        `CREATE TRIGGER ${name} BEFORE INSERT ON "AuditEvent" WHEN ${condition}
         BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
      );
      return;
    }
    await db().$executeRawUnsafe(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`,
    );
    await db().$executeRawUnsafe(
      `CREATE TRIGGER ${name} BEFORE INSERT ON "AuditEvent" FOR EACH ROW
       WHEN (${condition}) EXECUTE FUNCTION ${name}()`,
    );
  }

  it('host create, update and delete', async () => {
    const kept = await berth.addHost(token, { name: 'doomed-kept', url: NOWHERE, tags: ['x'] });
    await refuseAudits(`NEW.target LIKE 'doomed-%'`);

    const create = await berth.api('POST', '/api/hosts', {
      token,
      body: { name: 'doomed-new', url: NOWHERE },
    });
    expect(create.status).toBe(500);
    expect(await db().host.count({ where: { name: 'doomed-new' } })).toBe(0);

    const update = await berth.api('PATCH', `/api/hosts/${kept.id}`, {
      token,
      body: { tags: ['y'] },
    });
    expect(update.status).toBe(500);
    const remove = await berth.api('DELETE', `/api/hosts/${kept.id}`, { token });
    expect(remove.status).toBe(500);
    const after = await berth.api<THost>('GET', `/api/hosts/${kept.id}`, { token });
    expect(after.body).toMatchObject({ name: 'doomed-kept', tags: ['x'] });
  });

  it('registry create, update and delete', async () => {
    const body = { serverAddress: 'doomed.example', username: 'u', password: 'p' };
    const kept = await berth.api<{ id: string }>('POST', '/api/registries', {
      token,
      body: { ...body, name: 'kept-registry' },
    });
    expect(kept.status).toBe(201);
    await refuseAudits(`NEW.action LIKE 'registry.%'`);

    const create = await berth.api('POST', '/api/registries', {
      token,
      body: { ...body, serverAddress: 'other.example', name: 'doomed-registry' },
    });
    expect(create.status).toBe(500);
    const update = await berth.api('PATCH', `/api/registries/${kept.body.id}`, {
      token,
      body: { name: 'renamed-registry', password: 'q' },
    });
    expect(update.status).toBe(500);
    expect((await berth.api('DELETE', `/api/registries/${kept.body.id}`, { token })).status).toBe(
      500,
    );
    const rows = await db().registry.findMany();
    expect(rows.map((r) => r.name)).toEqual(['kept-registry']);
  });

  it('token create and revoke', async () => {
    const session = await berth.signIn('admin', ADMIN_PASSWORD);
    const live = await berth.createToken(session, 'live');
    await refuseAudits(`NEW.action LIKE 'token.%'`);

    await expect(berth.createToken(session, 'doomed-token')).rejects.toThrow('500');
    expect(await db().apiToken.count({ where: { name: 'doomed-token' } })).toBe(0);

    const revoke = await berth.api('DELETE', `/api/tokens/${live.id}`, { token });
    expect(revoke.status).toBe(500);
    // Still live: its row is untouched and it still signs in.
    expect((await db().apiToken.findUnique({ where: { id: live.id } }))?.revokedAt).toBeNull();
    expect((await berth.api('GET', '/api/hosts', { token: live.token })).status).toBe(200);
  });
});
