import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TBuildImageResponse,
  TBuildLog,
  TLoadImagesResponse,
  TPullProgress,
} from '@berth/shared';
import type { Socket } from 'socket.io-client';
import tar from 'tar-stream';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { checkAgainstContract } from './support/contract-check.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { TestGitServer } from './support/git-server.js';
import { grantedUserToken } from './support/granted-user.js';
import { openUserSocket } from './support/user-socket.js';

/**
 * Builds and loads through the REST API on the real fleet: a build from uploaded files, from an
 * uploaded tar with its Dockerfile elsewhere, and from git repositories served over HTTP by a
 * real `git http-backend` (a tag, a commit id, a sub-path, a login), with the log over socket.io;
 * a failing RUN step named and no image tagged; a `docker save` archive loaded onto another host;
 * a read-only user refused; bad input answered on its field. Every image made here is named
 * after the run and removed afterwards.
 */
jest.setTimeout(180_000);

const RUN = randomBytes(4).toString('hex');
const f = fleet();
const a: CliTarget = { host: fleetHost('a').direct };
const b: CliTarget = { host: fleetHost('b').direct };
const NAME = `build-${RUN}`;
const GIT_TOKEN = `git-token-${RUN}`;

let berth: TestBerth;
let token: string;
let hostA: string;
let hostB: string;
let git: TestGitServer;
let privateGit: TestGitServer;
let commits: string[];
const sockets: Socket[] = [];

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostB = (await berth.addHost(token, fleetHost('b').registration)).id;
  git = await TestGitServer.start();
  commits = await git.repository('app', [
    {
      files: {
        'README.md': 'top level\n',
        'service/Dockerfile': `FROM ${f.image}\nCOPY . /app\nLABEL berth.test.version=v1\n`,
        'service/hello.txt': 'version one\n',
      },
      tag: 'v1',
    },
    {
      files: {
        'service/Dockerfile': `FROM ${f.image}\nCOPY . /app\nLABEL berth.test.version=v2\n`,
        'service/hello.txt': 'version two\n',
      },
    },
  ]);
  privateGit = await TestGitServer.start({ username: 'deploy', password: GIT_TOKEN });
  await privateGit.repository('secret', [
    { files: { Dockerfile: `FROM ${f.image}\nLABEL berth.test.private=yes\n` } },
  ]);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const target of [a, b]) {
    const ids = (await docker(target, ['images', '-q', '--filter', `reference=${NAME}/*`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(target, ['rmi', '-f', ...new Set(ids)]);
  }
  await git?.stop();
  await privateGit?.stop();
  await berth?.stop();
});

interface Answer<T> {
  status: number;
  body: T;
}

/** A raw REST call (multipart or tar body), checked against the contract like `berth.api`. */
async function send<T>(
  path: string,
  body: FormData | Buffer,
  options: { as?: string; requestId?: string; contentType?: string } = {},
): Promise<Answer<T>> {
  const res = await fetch(`${berth.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.as ?? token}`,
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
      ...(options.contentType ? { 'content-type': options.contentType } : {}),
    },
    body,
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  checkAgainstContract('POST', path, {
    status: res.status,
    body: parsed,
    contentType: res.headers.get('content-type'),
  });
  return { status: res.status, body: parsed as T };
}

function filesForm(options: unknown, files: Record<string, string>): FormData {
  const form = new FormData();
  form.append('options', JSON.stringify(options));
  for (const [path, content] of Object.entries(files)) {
    form.append('files', new Blob([content]), path);
  }
  return form;
}

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function listen(): Promise<{ builds: TBuildLog[]; loads: TPullProgress[] }> {
  const socket = await openUserSocket(berth.url, token);
  sockets.push(socket);
  const seen = { builds: [] as TBuildLog[], loads: [] as TPullProgress[] };
  socket.on('image.build', (log: TBuildLog) => seen.builds.push(log));
  socket.on('image.load', (p: TPullProgress) => seen.loads.push(p));
  return seen;
}

const buildGit = (body: unknown, as = token) =>
  berth.api<TBuildImageResponse>('POST', `/api/hosts/${hostA}/images/build/git`, {
    token: as,
    body,
  });

const labelOf = (target: CliTarget, image: string, label: string) =>
  dockerOk(target, ['image', 'inspect', '-f', `{{index .Config.Labels "${label}"}}`, image]);

const auditOf = (action: string) =>
  berth.server.app
    .get(PrismaService)
    .db.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });

const issuesOf = (body: unknown) => (body as ErrorBody).error.details?.issues ?? [];

describe('building from an upload', () => {
  it('builds uploaded files with args and two tags; the log streams live and the build is audited', async () => {
    const seen = await listen();
    const requestId = `build-${randomUUID()}`;
    const built = await send<TBuildImageResponse>(
      `/api/hosts/${hostA}/images/build`,
      filesForm(
        {
          tags: [`${NAME}/files:1`, `${NAME}/files`],
          buildArgs: { GREETING: 'hello-from-args' },
          noCache: true,
        },
        {
          Dockerfile: `FROM ${f.image}\nARG GREETING\nCOPY conf/greeting.txt /greeting.txt\nRUN echo $GREETING > /arg.txt\nLABEL berth.test.run=${RUN}\n`,
          'conf/greeting.txt': 'hi\n',
        },
      ),
      { requestId },
    );
    expect(built.status).toBe(200);
    expect(built.body).toEqual({
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      tags: [`${NAME}/files:1`, `${NAME}/files:latest`],
      commit: null,
    });
    expect(await dockerOk(a, ['image', 'inspect', '-f', '{{.Id}}', `${NAME}/files:latest`])).toBe(
      built.body.id,
    );
    const out = await dockerOk(a, [
      'run',
      '--rm',
      `${NAME}/files:1`,
      'cat',
      '/greeting.txt',
      '/arg.txt',
    ]);
    expect(out).toBe('hi\nhello-from-args');

    const mine = seen.builds.filter((l) => l.requestId === requestId);
    expect(mine.some((l) => l.line?.startsWith('Step 1/5 : FROM'))).toBe(true);
    expect(mine.some((l) => l.line === 'Step 4/5 : RUN echo $GREETING > /arg.txt')).toBe(true);
    expect(mine.at(-1)).toEqual({ requestId, hostId: hostA, done: true, id: built.body.id });

    const [record] = await auditOf('image.build');
    expect(record).toMatchObject({ hostId: hostA, target: `${NAME}/files:1`, outcome: 'success' });
    expect(record!.details).toContain('GREETING');
    expect(record!.details).not.toContain('hello-from-args');
  });

  it('builds an uploaded tar with its Dockerfile at another path', async () => {
    const form = new FormData();
    form.append('options', JSON.stringify({ tags: [`${NAME}/tar:1`], dockerfile: 'build/App' }));
    const archive = await tarOf({
      'build/App': `FROM ${f.image}\nCOPY data.txt /data.txt\nLABEL berth.test.kind=tar\n`,
      'data.txt': 'from a tar\n',
    });
    form.append('context', new Blob([archive]), 'context.tar');
    const built = await send<TBuildImageResponse>(`/api/hosts/${hostA}/images/build`, form);
    expect(built.status).toBe(200);
    expect(await labelOf(a, `${NAME}/tar:1`, 'berth.test.kind')).toBe('tar');
  });

  it('reports the failing step, tags nothing and leaves no container behind', async () => {
    const seen = await listen();
    const requestId = `fail-${randomUUID()}`;
    const containersBefore = await dockerOk(a, ['ps', '-aq']);
    const failed = await send<ErrorBody>(
      `/api/hosts/${hostA}/images/build`,
      filesForm(
        { tags: [`${NAME}/broken:1`] },
        { Dockerfile: `FROM ${f.image}\nRUN echo half-way > /x\nRUN exit 3\nLABEL never=here\n` },
      ),
      { requestId },
    );
    expect(failed.status).toBe(400);
    expect(failed.body.error.code).toBe('VALIDATION_FAILED');
    expect(failed.body.error.message).toMatch(/Step 3\/4 : RUN exit 3.*non-zero code: 3/);
    expect(issuesOf(failed.body)).toEqual([
      { path: 'dockerfile', message: expect.stringMatching(/^Step 3\/4 : RUN exit 3: .*code: 3/) },
    ]);
    const last = seen.builds.filter((l) => l.requestId === requestId).at(-1);
    expect(last).toMatchObject({ done: true, error: expect.stringContaining('RUN exit 3') });

    expect((await docker(a, ['image', 'inspect', `${NAME}/broken:1`])).code).toBe(1);
    expect(await dockerOk(a, ['ps', '-aq'])).toBe(containersBefore);
    const records = await auditOf('image.build');
    expect(records.at(-1)).toMatchObject({ target: `${NAME}/broken:1`, outcome: 'failure' });
  });

  it('names the field of bad input', async () => {
    const noDockerfile = await send<ErrorBody>(
      `/api/hosts/${hostA}/images/build`,
      filesForm({ tags: [`${NAME}/x:1`] }, { 'app.txt': 'no Dockerfile here' }),
    );
    expect(noDockerfile.status).toBe(400);
    expect(issuesOf(noDockerfile.body)).toEqual([
      { path: 'dockerfile', message: 'no file Dockerfile among the files uploaded' },
    ]);

    const noTags = await send<ErrorBody>(
      `/api/hosts/${hostA}/images/build`,
      filesForm({ tags: [] }, { Dockerfile: `FROM ${f.image}\n` }),
    );
    expect(noTags.status).toBe(400);
    expect(issuesOf(noTags.body)[0]).toMatchObject({ path: 'tags' });

    const escaping = await send<ErrorBody>(
      `/api/hosts/${hostA}/images/build`,
      filesForm({ tags: [`${NAME}/x:1`] }, { Dockerfile: 'FROM x\n', '../etc/passwd': 'x' }),
    );
    expect(escaping.status).toBe(400);
    expect(issuesOf(escaping.body)[0]).toMatchObject({ path: 'files' });

    // A tar without the Dockerfile named: the engine's refusal, on the field.
    const form = new FormData();
    form.append('options', JSON.stringify({ tags: [`${NAME}/x:1`] }));
    form.append('context', new Blob([await tarOf({ 'other.txt': 'x' })]), 'c.tar');
    const missing = await send<ErrorBody>(`/api/hosts/${hostA}/images/build`, form);
    expect(missing.status).toBe(400);
    expect(issuesOf(missing.body)[0]).toMatchObject({
      path: 'dockerfile',
      message: expect.stringMatching(/Dockerfile/),
    });
  });
});

describe('building from git', () => {
  it('builds a sub-path at a tag, and at a commit id; the commit built is answered and audited', async () => {
    const atTag = await buildGit({
      tags: [`${NAME}/git:v1`],
      git: { url: git.repoUrl('app'), ref: 'v1', subPath: 'service' },
    });
    expect(atTag.status).toBe(200);
    expect(atTag.body.commit).toBe(commits[0]);
    expect(await labelOf(a, `${NAME}/git:v1`, 'berth.test.version')).toBe('v1');
    // Only the sub-path is the context.
    const listed = await dockerOk(a, ['run', '--rm', `${NAME}/git:v1`, 'ls', '/app']);
    expect(listed.split('\n').sort()).toEqual(['Dockerfile', 'hello.txt']);

    const atDefault = await buildGit({
      tags: [`${NAME}/git:main`],
      git: { url: git.repoUrl('app'), subPath: 'service/' },
    });
    expect(atDefault.status).toBe(200);
    expect(atDefault.body.commit).toBe(commits[1]);
    expect(await labelOf(a, `${NAME}/git:main`, 'berth.test.version')).toBe('v2');

    const atCommit = await buildGit({
      tags: [`${NAME}/git:commit`],
      git: { url: git.repoUrl('app'), ref: commits[0], subPath: 'service' },
    });
    expect(atCommit.status).toBe(200);
    expect(await labelOf(a, `${NAME}/git:commit`, 'berth.test.version')).toBe('v1');

    const records = await auditOf('image.build');
    const record = records.find((r) => r.target === `${NAME}/git:v1`);
    expect(record).toMatchObject({ outcome: 'success' });
    expect(JSON.parse(record!.details!)).toMatchObject({
      source: 'git',
      url: git.repoUrl('app'),
      ref: 'v1',
      subPath: 'service',
      commit: commits[0],
    });
  });

  it('fetches with a login that appears in no answer, audit record or error', async () => {
    const built = await buildGit({
      tags: [`${NAME}/private:1`],
      git: { url: privateGit.repoUrl('secret'), username: 'deploy', token: GIT_TOKEN },
    });
    expect(built.status).toBe(200);
    expect(await labelOf(a, `${NAME}/private:1`, 'berth.test.private')).toBe('yes');

    const wrong = await buildGit({
      tags: [`${NAME}/private:2`],
      git: { url: privateGit.repoUrl('secret'), username: 'deploy', token: `${GIT_TOKEN}-wrong` },
    });
    expect(wrong.status).toBe(400);
    expect(issuesOf(wrong.body)[0]).toMatchObject({ path: 'git.token' });
    const none = await buildGit({
      tags: [`${NAME}/private:3`],
      git: { url: privateGit.repoUrl('secret') },
    });
    expect(none.status).toBe(400);
    expect(issuesOf(none.body)[0]).toMatchObject({ path: 'git.url' });

    const everything = JSON.stringify([
      wrong.body,
      none.body,
      await berth.server.app.get(PrismaService).db.auditEvent.findMany(),
    ]);
    expect(everything).not.toContain(GIT_TOKEN);
    expect(everything).not.toContain(Buffer.from(`deploy:${GIT_TOKEN}`).toString('base64'));
  });

  it('names the field of a bad URL, an unknown ref, a missing sub-path or Dockerfile', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'file:///etc', subPath: 'x' }, 'git.url'],
      [{ url: 'not a url' }, 'git.url'],
      [{ url: `${git.url}/nothing-here.git` }, 'git.url'],
      [{ url: git.repoUrl('app'), ref: 'no-such-branch' }, 'git.ref'],
      [{ url: git.repoUrl('app'), ref: 'f'.repeat(40) }, 'git.ref'],
      [{ url: git.repoUrl('app'), ref: 'v1', subPath: 'nowhere' }, 'git.subPath'],
      [{ url: git.repoUrl('app'), ref: 'v1', subPath: '../up' }, 'git.subPath'],
      // The repository's root has no Dockerfile.
      [{ url: git.repoUrl('app'), ref: 'v1' }, 'dockerfile'],
    ];
    for (const [source, field] of cases) {
      const answer = await buildGit({ tags: [`${NAME}/bad:1`], git: source });
      expect([JSON.stringify(source), answer.status]).toEqual([JSON.stringify(source), 400]);
      expect([JSON.stringify(source), issuesOf(answer.body)[0]?.path]).toEqual([
        JSON.stringify(source),
        field,
      ]);
    }
    expect((await docker(a, ['image', 'inspect', `${NAME}/bad:1`])).code).toBe(1);
  });
});

describe('loading an archive', () => {
  it('loads a saved tar onto another host with progress, audited', async () => {
    const seen = await listen();
    const saved = await fetch(
      `${berth.url}/api/hosts/${hostA}/images/save?names=${encodeURIComponent(`${NAME}/tar:1`)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(saved.status).toBe(200);
    const archive = Buffer.from(await saved.arrayBuffer());
    expect((await docker(b, ['image', 'inspect', `${NAME}/tar:1`])).code).toBe(1);

    const requestId = `load-${randomUUID()}`;
    const loaded = await send<TLoadImagesResponse>(`/api/hosts/${hostB}/images/load`, archive, {
      contentType: 'application/x-tar',
      requestId,
    });
    expect(loaded.status).toBe(200);
    expect(loaded.body).toEqual({ loaded: [`${NAME}/tar:1`] });
    expect(await labelOf(b, `${NAME}/tar:1`, 'berth.test.kind')).toBe('tar');
    const mine = seen.loads.filter((p) => p.requestId === requestId);
    expect(mine.some((p) => p.status === `Loaded image: ${NAME}/tar:1`)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ hostId: hostB, done: true, status: 'complete' });
    expect((await auditOf('image.load')).at(-1)).toMatchObject({
      hostId: hostB,
      outcome: 'success',
    });

    const notTar = await send<ErrorBody>(
      `/api/hosts/${hostB}/images/load`,
      Buffer.from('not an archive'),
      { contentType: 'application/x-tar' },
    );
    expect(notTar.status).toBe(400);
    expect(issuesOf(notTar.body)[0]).toMatchObject({ path: 'body' });
  });
});

describe('a read-only user', () => {
  it('gets 403 on build, build from git and load, and nothing is made', async () => {
    const readOnly = await grantedUserToken(berth, `ro-${RUN}`, hostA, 'read-only');
    const upload = await send<ErrorBody>(
      `/api/hosts/${hostA}/images/build`,
      filesForm({ tags: [`${NAME}/ro:1`] }, { Dockerfile: `FROM ${f.image}\n` }),
      { as: readOnly },
    );
    expect(upload.status).toBe(403);
    expect(upload.body.error.message).toContain('image.build');
    const fromGit = await buildGit(
      { tags: [`${NAME}/ro:2`], git: { url: git.repoUrl('app'), subPath: 'service' } },
      readOnly,
    );
    expect(fromGit.status).toBe(403);
    const load = await send<ErrorBody>(`/api/hosts/${hostA}/images/load`, Buffer.alloc(1024), {
      as: readOnly,
      contentType: 'application/x-tar',
    });
    expect(load.status).toBe(403);
    expect(load.body.error.message).toContain('image.pull');
    expect((await docker(a, ['image', 'inspect', `${NAME}/ro:1`])).code).toBe(1);
    expect((await docker(a, ['image', 'inspect', `${NAME}/ro:2`])).code).toBe(1);
    const denied = (await auditOf('image.build')).filter((r) => r.outcome === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(2);
  });
});
