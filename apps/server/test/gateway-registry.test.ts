import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TRegistry } from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * Registry logins live in Berth: the gateway adds them to pushes, pulls and builds on the way to
 * the engine, so a docker CLI without any login of its own can use a registry that needs one.
 * The CLI here only ever has its Berth token (support/docker-cli.ts writes nothing else).
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `berth.test=gateway-registry-${RUN}`;
const { address, username, password } = fleet().registry;
const REPO = `team-${RUN}/busybox`;
const REF = `${address}/${REPO}:1.0`;

describe('registry credentials stored in Berth reach the engine, never a client', () => {
  let berth: TestBerth;
  let token: string;
  let gw: CliTarget;
  const own: CliTarget = { host: fleetHost('a').direct };

  beforeAll(async () => {
    // Every log line at every level, to look for the password in them afterwards.
    berth = await TestBerth.start({ LOG_LEVEL: 'trace' }, { captureLogs: true });
    token = await berth.adminToken();
    const host = await berth.addHost(token, fleetHost('a').registration);
    gw = { host: gatewayHost(berth.url, host.id), token };
    await dockerOk(gw, ['tag', fleet().image, REF]);
  });

  afterAll(async () => {
    const images = (await docker(own, ['images', '-q', '--filter', `label=${LABEL}`])).stdout;
    await docker(own, ['rmi', '-f', REF, ...new Set(images.split('\n').filter(Boolean))]);
    await berth?.stop();
  });

  it('without stored credentials the registry refuses the push', async () => {
    const push = await docker(gw, ['push', REF]);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain('no basic auth credentials');
    expect(await tagsInRegistry()).toEqual({ status: 404, tags: [] });
    // The engine answered 200 and reported the refusal inside its progress stream: the audit
    // record says how the push ended, not how it began.
    // The CLI stops at the refusal's line; the record is settled when the engine's stream ends,
    // which may be a moment later.
    const db = berth.server.app.get(PrismaService).db;
    const pushRecords = () =>
      db.auditEvent.findMany({
        where: { action: 'engine.call', target: `${address}/${REPO}` },
        orderBy: { id: 'asc' },
      });
    await waitFor(
      async () => (await pushRecords()).every((record) => record.outcome !== 'unknown'),
      10_000,
      'the push record settled',
    );
    const pushes = await pushRecords();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ outcome: 'failure', status: 200 });
    expect(JSON.parse(pushes[0]?.details ?? '{}')).toMatchObject({
      path: `/images/${address}/${REPO}/push`,
      error: expect.stringContaining('no basic auth credentials'),
    });
  });

  it('with stored credentials the same CLI pushes, and pulls the image back', async () => {
    const stored = await berth.api<TRegistry>('POST', '/api/registries', {
      token,
      body: { name: 'fleet', serverAddress: `http://${address}/`, username, password },
    });
    expect(stored.status).toBe(201);
    expect(stored.body).toEqual({
      id: expect.any(String),
      name: 'fleet',
      kind: 'v2',
      serverAddress: address,
      username,
      hasPassword: true,
      insecure: false,
      caCert: null,
      region: null,
      access: { users: [], teams: [], hostIds: [], hostGroups: [] },
      createdAt: expect.any(String),
    });

    expect(await dockerOk(gw, ['push', REF])).toMatch(/^1\.0: digest: sha256:[0-9a-f]{64}/m);
    expect(await tagsInRegistry()).toEqual({ status: 200, tags: ['1.0'] });

    await dockerOk(gw, ['rmi', REF]);
    expect(await dockerOk(gw, ['pull', REF])).toContain(`Downloaded newer image for ${REF}`);
    const idOf = (image: string) => dockerOk(gw, ['image', 'inspect', '-f', '{{.Id}}', image]);
    expect(await idOf(REF)).toBe(await idOf(fleet().image));
  });

  it('a build pulls its base image from the registry with the stored credentials', async () => {
    await dockerOk(gw, ['rmi', REF]);
    const context = mkdtempSync(join(tmpdir(), 'berth-build-'));
    try {
      writeFileSync(join(context, 'Dockerfile'), `FROM ${REF}\nRUN echo ${RUN} > /run-id\n`);
      const tag = `built-${RUN}:1`;
      const out = await dockerOk(gw, ['build', '--label', LABEL, '-t', tag, context], {
        env: { DOCKER_BUILDKIT: '0' },
      });
      expect(out).toContain(`Successfully tagged ${tag}`);
      expect(await dockerOk(gw, ['run', '--rm', tag, 'cat', '/run-id'])).toBe(RUN);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });

  it('once the stored registry is deleted, pulls are refused again', async () => {
    const [registry] = (await berth.api<TRegistry[]>('GET', '/api/registries', { token })).body;
    expect((await berth.api('DELETE', `/api/registries/${registry?.id}`, { token })).status).toBe(
      204,
    );
    await docker(gw, ['rmi', REF]);
    expect((await docker(gw, ['image', 'inspect', REF])).code).toBe(1);
    const pull = await docker(gw, ['pull', REF]);
    expect(pull.code).toBe(1);
    expect(pull.stderr).toMatch(/no basic auth credentials|authentication required/);
  });

  it('the password never comes back from the API', async () => {
    const stored = await berth.api<TRegistry>('POST', '/api/registries', {
      token,
      body: { name: 'fleet again', serverAddress: address, username, password },
    });
    expect(stored.status).toBe(201);
    const list = await berth.api<TRegistry[]>('GET', '/api/registries', { token });
    expect(list.status).toBe(200);
    expect(list.body.map((r) => r.name)).toEqual(['fleet again']);
    for (const answer of [stored, list]) {
      expect(Object.keys([answer.body].flat()[0] ?? {})).not.toContain('password');
      expect(JSON.stringify(answer.body)).not.toContain(password);
    }
  });

  it('the password is in neither the audit table, nor the database files, nor the logs', async () => {
    // The forms it could leak in: as is, base64 of it, and the engine's X-Registry-Auth header.
    const authHeader = (encoding: BufferEncoding) =>
      Buffer.from(JSON.stringify({ username, password, serveraddress: address })).toString(
        encoding,
      );
    const forms = [
      password,
      Buffer.from(password).toString('base64'),
      authHeader('base64url'),
      authHeader('base64'),
    ];

    const audit = await berth.server.app.get(PrismaService).db.auditEvent.findMany();
    // The rows are there: the registry changes and the engine calls that used the credentials.
    const actions = audit.map((row) => `${row.action} ${row.target ?? ''} ${row.details ?? ''}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^registry\.create fleet /),
        expect.stringMatching(/^registry\.delete fleet /),
        expect.stringMatching(/^engine\.call \S+ \{"method":"POST","path":"\/images\/.+\/push"/),
        expect.stringMatching(/^engine\.call \S+ \{"method":"POST","path":"\/images\/create"/),
        expect.stringMatching(/^engine\.call \S+ \{"method":"POST","path":"\/build"/),
      ]),
    );
    const auditText = JSON.stringify(audit);
    for (const form of forms) expect(auditText).not.toContain(form);

    if (berth.provider === 'sqlite') {
      // The database with its write-ahead log, and anything else in the data directory.
      const files = readdirSync(berth.dataDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
      expect(files.some((file) => file.endsWith('.db'))).toBe(true);
      for (const file of files) {
        const bytes = readFileSync(file).toString('latin1');
        for (const form of forms)
          expect({ file, leaked: bytes.includes(form) }).toEqual({ file, leaked: false });
      }
    }

    const logs = berth.logs.join('');
    // The capture works: it has the request that carried the password in its body.
    expect(logs).toMatch(/"method":"POST","url":"\/api\/registries"/);
    for (const form of forms) expect(logs).not.toContain(form);
  });
});

/** The tags of the test repository, asked of the registry itself with the real login. */
async function tagsInRegistry(): Promise<{ status: number; tags: string[] }> {
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const res = await fetch(`http://${address}/v2/${REPO}/tags/list`, { headers: { authorization } });
  const body = (await res.json()) as { tags?: string[] | null };
  return { status: res.status, tags: body.tags ?? [] };
}

/**
 * The engine pulls the image it reads, and a stored login must go only to that image's registry.
 * The engine reads a pull's form body ahead of its query, so a query naming the stored registry
 * with a body naming another host would carry the login there. Here the other host is the same
 * registry under its other name (localhost), where the login is not stored: the pull only
 * succeeds if Berth hands the login over anyway.
 */
describe('a stored login goes only to the registry host the engine contacts', () => {
  let berth: TestBerth;
  let token: string;
  let hostId: string;
  const own: CliTarget = { host: fleetHost('a').direct };
  const repo = `own-host-${RUN}/busybox`;
  const byAddress = `${address}/${repo}:1`;
  const byName = `localhost:${address.split(':')[1]}/${repo}:1`;

  beforeAll(async () => {
    berth = await TestBerth.start();
    token = await berth.adminToken();
    hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
    const stored = await berth.api('POST', '/api/registries', {
      token,
      body: { name: 'fleet', serverAddress: address, username, password },
    });
    expect(stored.status).toBe(201);
    const gw: CliTarget = { host: gatewayHost(berth.url, hostId), token };
    await dockerOk(gw, ['tag', fleet().image, byAddress]);
    await dockerOk(gw, ['push', byAddress]);
    await dockerOk(gw, ['rmi', byAddress]);
  });

  afterAll(async () => {
    await docker(own, ['rmi', '-f', byAddress, byName]);
    await berth?.stop();
  });

  /** A raw pull through the gateway; the engine's progress stream as text. */
  async function pull(query: string, body?: string): Promise<string> {
    const res = await fetch(
      `${berth.url}/api/hosts/${hostId}/docker/v1.41/images/create?${query}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(body === undefined ? {} : { body }),
      },
    );
    return res.text();
  }

  it('a pull whose form body names another host gets no stored login', async () => {
    const query = `fromImage=${encodeURIComponent(byAddress)}`;
    const progress = await pull(query, `fromImage=${encodeURIComponent(byName)}`);
    // The engine went to the host in the body, without the login stored for the one in the query.
    expect(progress).toMatch(/no basic auth credentials|authentication required|unauthorized/);
    expect((await docker(own, ['image', 'inspect', byName])).code).toBe(1);
    // The same pull as the query alone names it goes to the stored registry, with its login.
    expect(await pull(query)).toContain(`Downloaded newer image for ${byAddress}`);
  });
});
