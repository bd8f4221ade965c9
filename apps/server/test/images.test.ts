import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TImageInspect,
  TImageLayer,
  TImageListResponse,
  TPruneImagesResponse,
  TPullImagesResponse,
  TPullProgress,
  TPushImageResponse,
  TRemoveImageResponse,
} from '@berth/shared';
import type { Socket } from 'socket.io-client';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { openUserSocket } from './support/user-socket.js';

/**
 * Image operations through the REST API on the real fleet: pull to two hosts at once and push to
 * the password-protected test registry with the login stored in Berth (the client never sends
 * it), progress over socket.io, history, inspect, tag, remove and prune, each audited; a
 * read-only user refused every change, bad references named, an unreachable host reported.
 * Every image made here is named or labelled with the run's prefix and removed afterwards;
 * prunes are limited to that label, so no one else's image is touched.
 */
jest.setTimeout(180_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const f = fleet();
const REGISTRY = f.registry.address;
const REPO = `${REGISTRY}/berth-test/img-${RUN}`;
const LOCAL = `img-${RUN}/local:1`;
const a: CliTarget = { host: fleetHost('a').direct };
const b: CliTarget = { host: fleetHost('b').direct };
const PASSWORD = 'a-user-password-1';

let berth: TestBerth;
let token: string;
let hostA: string;
let hostB: string;
let imageId: string;
const sockets: Socket[] = [];

/** A 2 MB layer of random bytes no other image has, so a pull has bytes to show progress of. */
async function buildImage(target: CliTarget, tag: string, seed: string): Promise<string> {
  await dockerOk(target, ['build', '-q', '-t', tag, '-'], {
    input: `FROM ${f.image}\nRUN head -c 2000000 /dev/urandom > /blob && echo ${seed} > /seed\nLABEL ${LABEL}\nCMD ["sleep", "3600"]\n`,
    env: { DOCKER_BUILDKIT: '0' },
    timeoutMs: 120_000,
  });
  return dockerOk(target, ['image', 'inspect', '-f', '{{.Id}}', tag]);
}

async function removeMine(target: CliTarget): Promise<void> {
  const ids = (await docker(target, ['images', '-q', '--filter', `label=${LABEL}`])).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker(target, ['rmi', '-f', ...new Set(ids)]);
}

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostB = (await berth.addHost(token, fleetHost('b').registration)).id;
  const stored = await berth.api('POST', '/api/registries', {
    token,
    body: {
      name: `fleet-${RUN}`,
      serverAddress: REGISTRY,
      username: f.registry.username,
      password: f.registry.password,
    },
  });
  expect(stored.status).toBe(201);
  imageId = await buildImage(a, LOCAL, RUN);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await removeMine(a);
  await removeMine(b);
  await berth?.stop();
});

const api = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  berth.api<T>(method, path, {
    token,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });

async function progressSocket(): Promise<{ pulls: TPullProgress[]; pushes: TPullProgress[] }> {
  const socket = await openUserSocket(berth.url, token);
  sockets.push(socket);
  const seen = { pulls: [] as TPullProgress[], pushes: [] as TPullProgress[] };
  socket.on('image.pull', (p: TPullProgress) => seen.pulls.push(p));
  socket.on('image.push', (p: TPullProgress) => seen.pushes.push(p));
  return seen;
}

const auditOf = (action: string) =>
  berth.server.app
    .get(PrismaService)
    .db.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });

describe('with the stored registry login', () => {
  it('tags an image and pushes it with progress; the registry refuses it without the login', async () => {
    const seen = await progressSocket();
    const tag = await api('POST', `/api/hosts/${hostA}/images/${imageId}/tag`, {
      reference: `${REPO}:1.0`,
    });
    expect(tag.status).toBe(204);

    const requestId = `push-${randomUUID()}`;
    const push = await api<TPushImageResponse>(
      'POST',
      `/api/hosts/${hostA}/images/push`,
      { reference: `${REPO}:1.0` },
      { 'x-request-id': requestId },
    );
    expect(push.status).toBe(200);
    expect(push.body).toEqual({
      reference: `${REPO}:1.0`,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const mine = seen.pushes.filter((p) => p.requestId === requestId);
    expect(mine.some((p) => p.layer && p.status === 'Pushed')).toBe(true);
    expect(mine.at(-1)).toMatchObject({ hostId: hostA, done: true, status: 'complete' });

    // Straight on host b's engine, without the login, the registry refuses the pull.
    const anonymous = await docker(b, ['pull', `${REPO}:1.0`]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/no basic auth credentials|authentication required/);

    const [record] = await auditOf('image.push');
    expect(record).toMatchObject({ hostId: hostA, target: `${REPO}:1.0`, outcome: 'success' });
    const everything = JSON.stringify(
      await berth.server.app.get(PrismaService).db.auditEvent.findMany(),
    );
    expect(everything).not.toContain(f.registry.password);
  });

  it('pulls to two hosts at once with progress per layer, the login added by the server', async () => {
    const seen = await progressSocket();
    const requestId = `pull-${randomUUID()}`;
    const pull = await api<TPullImagesResponse>(
      'POST',
      '/api/images/pull',
      { reference: `${REPO}:1.0`, hostIds: [hostA, hostB] },
      { 'x-request-id': requestId },
    );
    expect(pull.status).toBe(200);
    expect(pull.body).toEqual({
      reference: `${REPO}:1.0`,
      results: [
        { hostId: hostA, ok: true, id: imageId },
        { hostId: hostB, ok: true, id: imageId },
      ],
    });
    const onB = seen.pulls.filter((p) => p.requestId === requestId && p.hostId === hostB);
    // Host b had none of the new layer: its bytes came with counters.
    const counted = onB.filter((p) => p.layer && p.total && p.current !== undefined);
    expect(counted.length).toBeGreaterThan(0);
    expect(onB.some((p) => p.layer && /Pull complete/.test(p.status))).toBe(true);
    expect(onB.at(-1)).toMatchObject({ done: true, status: 'complete', image: `${REPO}:1.0` });
    expect(
      seen.pulls.filter((p) => p.requestId === requestId && p.hostId === hostA).at(-1),
    ).toMatchObject({
      done: true,
      status: 'complete',
    });
    expect(await dockerOk(b, ['image', 'inspect', '-f', '{{.Id}}', `${REPO}:1.0`])).toBe(imageId);
    expect((await auditOf('image.pull')).map((r) => [r.hostId, r.outcome]).sort()).toEqual(
      [
        [hostA, 'success'],
        [hostB, 'success'],
      ].sort(),
    );

    // The fleet list shows it on both hosts.
    await waitFor(
      async () =>
        (await api<TImageListResponse>('GET', `/api/images?q=img-${RUN}`)).body.total === 2,
      5_000,
      'listed on both hosts',
    );
  });
});

describe('reading an image', () => {
  it('lists its layers newest first with their instructions, empty ones marked', async () => {
    const res = await api<TImageLayer[]>('GET', `/api/hosts/${hostA}/images/${imageId}/history`);
    expect(res.status).toBe(200);
    const [cmd, label, run] = res.body;
    expect(cmd).toMatchObject({
      id: imageId,
      createdBy: 'CMD ["sleep" "3600"]',
      empty: true,
      size: 0,
    });
    expect(label).toMatchObject({ createdBy: `LABEL ${LABEL}`, empty: true });
    expect(run?.createdBy).toBe(`RUN head -c 2000000 /dev/urandom > /blob && echo ${RUN} > /seed`);
    expect(run?.empty).toBe(false);
    expect(run?.size).toBeGreaterThan(2_000_000);
    expect(res.body.at(-1)?.empty).toBe(false); // the base image's files

    const inspect = await api<TImageInspect>('GET', `/api/hosts/${hostA}/images/${imageId}`);
    expect(inspect.status).toBe(200);
    expect(inspect.body).toMatchObject({ Id: imageId, Config: { Cmd: ['sleep', '3600'] } });
    expect(inspect.body.RepoTags).toEqual(expect.arrayContaining([LOCAL, `${REPO}:1.0`]));

    const missing = await api<ErrorBody>('GET', `/api/hosts/${hostA}/images/nope-${RUN}/history`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});

describe('saving', () => {
  it('exports an image with its tags as one tar archive, and names a missing one', async () => {
    const res = await fetch(
      `${berth.url}/api/hosts/${hostA}/images/save?names=${encodeURIComponent(LOCAL)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="img-${RUN}_local_1.tar"`,
    );
    const archive = Buffer.from(await res.arrayBuffer());
    // A tar of the image's config, layers and the manifest naming its tag.
    expect(archive.length).toBeGreaterThan(2_000_000);
    const manifestAt = archive.indexOf('manifest.json');
    expect(manifestAt).not.toBe(-1);
    const manifest = archive.subarray(Math.ceil((manifestAt + 1) / 512) * 512).toString('utf8');
    expect(manifest).toContain(`"RepoTags":["${LOCAL}"]`);

    const missing = await api<ErrorBody>(
      'GET',
      `/api/hosts/${hostA}/images/save?names=nope-${RUN}:1`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const none = await api<ErrorBody>('GET', `/api/hosts/${hostA}/images/save?names=`);
    expect(none.status).toBe(400);
    expect(none.body.error.details?.issues?.[0]?.path).toBe('names');
  });
});

describe('removing', () => {
  it('removes a tag, then prunes the dangling images of this run with the space reclaimed', async () => {
    // A rebuild under the same tag leaves the first image dangling.
    const first = await buildImage(b, `img-${RUN}/again:1`, `${RUN}-1`);
    await buildImage(b, `img-${RUN}/again:1`, `${RUN}-2`);
    const untag = await api<TRemoveImageResponse>(
      'DELETE',
      `/api/hosts/${hostB}/images/${encodeURIComponent(`${REPO}:1.0`)}`,
    );
    expect(untag.status).toBe(200);
    // The image goes with its last tag, and with it the layers no other image holds.
    expect(untag.body.untagged).toEqual([
      `${REPO}:1.0`,
      expect.stringContaining(`${REPO}@sha256:`),
    ]);
    expect(untag.body.deleted[0]).toBe(imageId);
    expect((await docker(b, ['image', 'inspect', imageId])).code).toBe(1);

    const prune = await api<TPruneImagesResponse>('POST', `/api/hosts/${hostB}/images/prune`, {
      mode: 'dangling',
      labels: [LABEL],
    });
    expect(prune.status).toBe(200);
    expect(prune.body.deleted).toContain(first);
    expect(prune.body.spaceReclaimed).toBeGreaterThan(2_000_000);
    expect((await docker(b, ['image', 'inspect', first])).code).toBe(1);
    expect((await auditOf('image.prune'))[0]).toMatchObject({ hostId: hostB, outcome: 'success' });

    // In use by a container: refused without force.
    const container = await dockerOk(b, ['create', '--label', LABEL, `img-${RUN}/again:1`]);
    try {
      const refused = await api<ErrorBody>(
        'DELETE',
        `/api/hosts/${hostB}/images/${encodeURIComponent(`img-${RUN}/again:1`)}?noprune=true`,
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/container/);
    } finally {
      await dockerOk(b, ['rm', container]);
    }
  });
});

describe('refusals and bad input', () => {
  let reader: { cookie: string; csrf: string };

  beforeAll(async () => {
    const db = berth.server.app.get(PrismaService).db;
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(PASSWORD);
    const user = await db.user.create({ data: { username: `reader-${RUN}`, passwordHash } });
    await db.grant.create({ data: { userId: user.id, allHosts: true, role: 'read-only' } });
    const login = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `reader-${RUN}`, password: PASSWORD }),
    });
    reader = {
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
    };
  });

  it('refuses every change to a read-only user with 403, and changes nothing', async () => {
    const as = { headers: { cookie: reader.cookie, 'x-csrf-token': reader.csrf } };
    const calls: [string, string, unknown, string][] = [
      ['POST', '/api/images/pull', { reference: `${REPO}:2.0`, hostIds: [hostA] }, 'image.pull'],
      ['POST', `/api/hosts/${hostA}/images/push`, { reference: `${REPO}:1.0` }, 'image.push'],
      [
        'POST',
        `/api/hosts/${hostA}/images/${imageId}/tag`,
        { reference: `img-${RUN}/no:1` },
        'image.push',
      ],
      ['DELETE', `/api/hosts/${hostA}/images/${imageId}?force=true`, undefined, 'image.delete'],
      [
        'POST',
        `/api/hosts/${hostA}/images/prune`,
        { mode: 'unused', labels: [LABEL] },
        'image.delete',
      ],
    ];
    for (const [method, path, body, permission] of calls) {
      const res = await berth.api<ErrorBody>(method, path, { ...as, ...(body ? { body } : {}) });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'FORBIDDEN']);
      expect(res.body.error.message).toContain(permission);
    }
    expect((await auditOf('image.pull')).filter((r) => r.outcome === 'denied')).toEqual([
      expect.objectContaining({ hostId: hostA, target: `${REPO}:2.0`, actorName: `reader-${RUN}` }),
    ]);
    expect((await auditOf('image.tag')).map((r) => r.outcome)).toContain('denied');
    // Reading is allowed.
    const history = await berth.api('GET', `/api/hosts/${hostA}/images/${imageId}/history`, as);
    expect(history.status).toBe(200);
    expect(await dockerOk(a, ['image', 'inspect', '-f', '{{.Id}}', LOCAL])).toBe(imageId);
    expect((await docker(a, ['image', 'inspect', `img-${RUN}/no:1`])).code).toBe(1);
  });

  it('names the reference field when it is malformed or cannot be pulled, and leaves nothing behind', async () => {
    const malformed = await api<ErrorBody>('POST', '/api/images/pull', {
      reference: 'Not A Reference!',
      hostIds: [hostA],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details?.issues).toEqual([
      expect.objectContaining({ path: 'reference' }),
    ]);
    const badTag = await api<ErrorBody>('POST', `/api/hosts/${hostA}/images/${imageId}/tag`, {
      reference: 'UPPER/case',
    });
    expect(badTag.status).toBe(400);
    expect(badTag.body.error.details?.issues?.[0]?.path).toBe('reference');
    const noHosts = await api<ErrorBody>('POST', '/api/images/pull', {
      reference: 'x',
      hostIds: [],
    });
    expect(noHosts.body.error.details?.issues).toEqual([
      { path: 'hostIds', message: 'choose at least one host' },
    ]);

    const absent = `${REGISTRY}/berth-test/absent-${RUN}:1`;
    const pull = await api<ErrorBody>('POST', '/api/images/pull', {
      reference: absent,
      hostIds: [hostA, hostB],
    });
    expect(pull.status).toBe(400);
    expect(pull.body.error.details?.issues).toEqual([
      { path: 'reference', message: expect.stringContaining(`manifest for ${absent} not found`) },
    ]);
    for (const target of [a, b])
      expect((await docker(target, ['image', 'inspect', absent])).code).toBe(1);
    expect(
      (await auditOf('image.pull')).filter((r) => r.target === absent).map((r) => r.outcome),
    ).toEqual(['failure', 'failure']);
  });

  it('reports a host that cannot be reached as such', async () => {
    const down = await berth.addHost(token, {
      name: `down-${RUN}`,
      url: `unix:///tmp/berth-none-${RUN}.sock`,
    });
    const pull = await api<ErrorBody>('POST', '/api/images/pull', {
      reference: `${REPO}:1.0`,
      hostIds: [down.id],
    });
    expect(pull.status).toBe(502);
    expect(pull.body.error.code).toBe('HOST_UNREACHABLE');
    const history = await api<ErrorBody>('GET', `/api/hosts/${down.id}/images/${imageId}/history`);
    expect(history.status).toBe(502);
    expect(history.body.error.message).toMatch(/unreachable/);
  });
});
