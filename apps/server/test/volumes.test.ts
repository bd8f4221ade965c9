import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  BERTH_LABELS,
  type ErrorBody,
  type TCreateVolumeInput,
  type TPruneResponse,
  type TVolumeDetail,
  type TVolumeListing,
} from '@berth/shared';
import tar from 'tar-stream';
import { PrismaService } from '../src/database/prisma.service.js';
import { type ApiAnswer, TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { EngineTap } from './support/engine-tap.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';

/**
 * The volume REST API against host a of the real test fleet: create with driver options (tmpfs,
 * a cifs volume whose password never comes back), inspect with the containers using it, remove,
 * prune; browsing files read-only and downloading a file or a folder through a helper container
 * that is gone when the request ends, also when the client leaves mid-download; field errors for
 * bad input; a read-only user's 403s and a standard user's ownership. Everything made carries the
 * run's name and is removed afterwards.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const CIFS_SECRET = `s3cret-${RUN}`;
const a: CliTarget = { host: fleetHost('a').direct };

let berth: TestBerth;
let token: string;
let hostId = '';

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
});

afterAll(async () => {
  const containers = (await docker(a, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
    .split('\n')
    .filter(Boolean);
  if (containers.length > 0) await docker(a, ['rm', '-f', ...containers]);
  const volumes = await volumesOnEngine();
  if (volumes.length > 0) await docker(a, ['volume', 'rm', '-f', ...volumes]);
  await berth?.stop();
});

const base = () => `/api/hosts/${hostId}/volumes`;

function create(
  body: TCreateVolumeInput,
  auth: { token?: string } = { token },
): Promise<ApiAnswer<{ name: string } & ErrorBody>> {
  return berth.api('POST', base(), { ...auth, body });
}

function inspect(name: string, auth: { token?: string } = { token }) {
  return berth.api<TVolumeDetail & ErrorBody>('GET', `${base()}/${name}`, auth);
}

function files(name: string, path: string, auth: { token?: string } = { token }) {
  return berth.api<TVolumeListing & ErrorBody>(
    'GET',
    `${base()}/${name}/files?path=${encodeURIComponent(path)}`,
    auth,
  );
}

function download(name: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${berth.url}${base()}/${name}/download?path=${encodeURIComponent(path)}`, {
    headers: { authorization: `Bearer ${token}` },
    ...init,
  });
}

/** This run's volumes on the engine, asked of the engine itself. */
async function volumesOnEngine(): Promise<string[]> {
  const out = await dockerOk(a, ['volume', 'ls', '-q', '--filter', `name=v-${RUN}`]);
  return out.split('\n').filter(Boolean).sort();
}

/** Helper containers left on the engine: there must never be one once a request has ended. */
async function helpers(): Promise<string[]> {
  const out = await dockerOk(a, ['ps', '-aq', '--filter', 'label=berth.helper']);
  return out.split('\n').filter(Boolean);
}

async function auditRows(where: Record<string, unknown>) {
  return berth.server.app
    .get(PrismaService)
    .db.auditEvent.findMany({ where, orderBy: { id: 'asc' } });
}

function issuesOf(answer: ApiAnswer<ErrorBody>): { path: string; message: string }[] {
  return answer.body.error.details?.issues ?? [];
}

describe('creating volumes', () => {
  it('creates a local tmpfs volume with its options and labels (201 {name})', async () => {
    const name = `v-${RUN}-tmpfs`;
    const res = await create({
      name,
      driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=16m,uid=1000' },
      labels: { tier: 'cache' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name });
    const [engine] = JSON.parse(await dockerOk(a, ['volume', 'inspect', name])) as {
      Driver: string;
      Options: Record<string, string>;
      Labels: Record<string, string>;
    }[];
    expect(engine).toMatchObject({
      Driver: 'local',
      Options: { type: 'tmpfs', device: 'tmpfs', o: 'size=16m,uid=1000' },
      Labels: { tier: 'cache', [BERTH_LABELS.owner]: expect.any(String) },
    });
    const [record] = await auditRows({ action: 'volume.create', target: name });
    expect(record).toMatchObject({ outcome: 'success', hostId });
  });

  it('never gives a cifs password back: not in the inspect, not in the audit record', async () => {
    const name = `v-${RUN}-cifs`;
    const res = await create({
      name,
      driverOpts: {
        type: 'cifs',
        device: '//192.0.2.1/share',
        o: `addr=192.0.2.1,username=u,password=${CIFS_SECRET},vers=3.0`,
      },
    });
    expect(res.status).toBe(201);
    const detail = await inspect(name);
    expect(detail.body.options).toEqual({
      type: 'cifs',
      device: '//192.0.2.1/share',
      o: 'addr=192.0.2.1,username=u,password=********,vers=3.0',
    });
    const rows = await auditRows({ target: name });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(CIFS_SECRET);
  });

  const bad: [string, TCreateVolumeInput, number, string, RegExp][] = [
    [
      'an nfs volume without the server address',
      { name: `v-${RUN}-nfs`, driverOpts: { type: 'nfs', device: ':/export', o: 'rw' } },
      400,
      'driverOpts.o',
      /addr=/,
    ],
    [
      'an option the local driver does not know',
      { name: `v-${RUN}-opt`, driverOpts: { size: '1g' } },
      400,
      'driverOpts.size',
      /only type, o and device/,
    ],
    [
      'a device without a type',
      { name: `v-${RUN}-dev`, driverOpts: { device: '/srv' } },
      400,
      'driverOpts.type',
      /required/,
    ],
    ['a name of one character', { name: 'v' }, 400, 'name', /at least 2/],
    ['a name taken by another volume', { name: `v-${RUN}-tmpfs` }, 409, 'name', /already used/],
  ];

  it.each(bad)(
    'refuses %s, naming the field, and makes nothing',
    async (_what, body, status, field, message) => {
      const before = await volumesOnEngine();
      const res = await create(body);
      expect(res.status).toBe(status);
      expect(issuesOf(res)).toEqual([{ path: field, message: expect.stringMatching(message) }]);
      expect(await volumesOnEngine()).toEqual(before);
    },
  );
});

describe('a volume in use, browsed read-only', () => {
  const name = `v-${RUN}-data`;
  const user = `c-${RUN}-user`;

  beforeAll(async () => {
    expect((await create({ name })).status).toBe(201);
    await dockerOk(a, [
      'run',
      '--rm',
      '--label',
      LABEL,
      '-v',
      `${name}:/data`,
      IMAGE,
      'sh',
      '-c',
      'mkdir -p /data/docs/deep && printf hello > /data/docs/hello.txt && chmod 600 /data/docs/hello.txt' +
        ' && printf top > /data/top.txt && head -c 30000000 /dev/zero > /data/big.bin' +
        ' && ln -s docs/hello.txt /data/link',
    ]);
    await dockerOk(a, [
      'create',
      '--name',
      user,
      '--label',
      LABEL,
      '-v',
      `${name}:/srv/data:ro`,
      IMAGE,
      'sleep',
      '3600',
    ]);
  });

  it('is inspected with its driver, mountpoint and the containers using it', async () => {
    const res = await inspect(name);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name,
      hostId,
      driver: 'local',
      scope: 'local',
      mountpoint: expect.stringContaining(name),
      containers: [{ name: user, destination: '/srv/data', readOnly: true }],
    });
  });

  it('lists a folder: folders first, then files, with size, mode and modified time', async () => {
    const root = await files(name, '/');
    expect(root.status).toBe(200);
    expect(root.body.path).toBe('/');
    expect(root.body.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['docs', 'directory', 0],
      ['big.bin', 'file', 30_000_000],
      ['link', 'symlink', 0],
      ['top.txt', 'file', 3],
    ]);
    expect(root.body.entries.find((e) => e.name === 'link')?.target).toBe('docs/hello.txt');
    const docs = await files(name, '/docs/');
    expect(docs.body).toEqual({
      path: '/docs',
      entries: [
        { name: 'deep', type: 'directory', size: 0, mode: '0755', modifiedAt: expect.any(String) },
        { name: 'hello.txt', type: 'file', size: 5, mode: '0600', modifiedAt: expect.any(String) },
      ],
    });
    expect(Date.now() - Date.parse(docs.body.entries[1]!.modifiedAt!)).toBeLessThan(600_000);
    expect(await helpers()).toEqual([]);
  });

  it('downloads a file as it is', async () => {
    const res = await download(name, '/docs/hello.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''hello.txt");
    expect(await res.text()).toBe('hello');
    await waitFor(async () => (await helpers()).length === 0, 5_000, 'the helper to go');
  });

  it('downloads a folder as a tar archive', async () => {
    const res = await download(name, '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''docs.tar");
    const entries: Record<string, string> = {};
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        entries[header.name] = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    const done = new Promise<void>((resolve) => extract.on('finish', () => resolve()));
    Readable.fromWeb(res.body! as never).pipe(extract);
    await done;
    expect(entries).toEqual({ 'docs/': '', 'docs/deep/': '', 'docs/hello.txt': 'hello' });
    await waitFor(async () => (await helpers()).length === 0, 5_000, 'the helper to go');
  });

  it('removes the helper when the client leaves in the middle of a download', async () => {
    const abort = new AbortController();
    const res = await download(name, '/big.bin', { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('30000000');
    const reader = res.body!.getReader();
    await reader.read();
    expect(await helpers()).toHaveLength(1);
    abort.abort();
    await waitFor(async () => (await helpers()).length === 0, 10_000, 'the helper to go');
  });

  it('answers a missing path 404 and a file listed as a folder 400, at the path field', async () => {
    const missing = await files(name, '/nope');
    expect(missing.status).toBe(404);
    expect(issuesOf(missing)).toEqual([
      { path: 'path', message: 'nothing at /nope in the volume' },
    ]);
    const file = await files(name, '/top.txt');
    expect(file.status).toBe(400);
    expect(issuesOf(file)).toEqual([{ path: 'path', message: '/top.txt is a file, not a folder' }]);
    const escape = await files(name, '/docs/../../etc');
    expect(escape.status).toBe(400);
    expect(issuesOf(escape)).toEqual([{ path: 'path', message: 'no .. in the path' }]);
    expect(await helpers()).toEqual([]);
  });

  it('is not removed while a container uses it, and is once it is gone, even while its page lists its files', async () => {
    // The file browser's helper of a listing still under way, as the volume's page makes one.
    const helper = await dockerOk(a, [
      ...['create', '--label', LABEL, '--label', 'berth.helper=volume-browser'],
      ...['-v', `${name}:/volume:ro`, IMAGE, 'true'],
    ]);
    const busy = await berth.api<ErrorBody>('DELETE', `${base()}/${name}`, { token });
    expect(busy.status).toBe(409);
    // Named by the container that holds it; the helper is not what holds it back.
    expect(busy.body.error.message).toMatch(/in use/);
    expect(busy.body.error.message).toMatch(new RegExp(`\\(container ${user}\\)$`));
    // Another container holds it: the helper is left alone.
    expect(await dockerOk(a, ['inspect', '-f', '{{.Id}}', helper])).toBe(helper);
    await dockerOk(a, ['rm', '-f', user]);
    const res = await berth.api('DELETE', `${base()}/${name}`, { token });
    expect(res.status).toBe(204);
    expect(await volumesOnEngine()).not.toContain(name);
    expect((await docker(a, ['inspect', helper])).code).not.toBe(0);
    const rows = await auditRows({ action: 'volume.remove', target: name });
    expect(rows.map((r) => r.outcome)).toEqual(['failure', 'success']);
  });
});

describe('a volume the engine calls in use while it lists no container using it', () => {
  // dockerd counts a container's hold on a volume a moment before it lists a new container and a
  // moment after it stops listing a removed one: a file browser's helper coming or going as the
  // volume's page lists its files. The tap answers the engine's 409 of that moment.
  let tap: EngineTap;
  let tapped = '';
  let removals = 0;
  const inUse = (name: string) => ({
    status: 409,
    body: { message: `remove ${name}: volume is in use - [${'e'.repeat(64)}]` },
  });

  beforeAll(async () => {
    tap = await EngineTap.start(fleet().a.replace('unix://', ''));
    tapped = (await berth.addHost(token, { name: `a-tapped-${RUN}`, url: `unix://${tap.path}` }))
      .id;
  });

  afterAll(async () => {
    await tap.close();
  });

  /** The tap refuses the first `times` removals of `name` as the engine does in that moment. */
  function refuseRemoval(name: string, times: number): void {
    removals = 0;
    tap.before = (req) => {
      if (req.method !== 'DELETE' || !req.url?.includes(`/volumes/${name}`)) {
        return Promise.resolve('pass');
      }
      removals += 1;
      return Promise.resolve(removals <= times ? inUse(name) : 'pass');
    };
  }

  it('is removed on a later try', async () => {
    const name = `v-${RUN}-racing`;
    await dockerOk(a, ['volume', 'create', '--label', LABEL, name]);
    refuseRemoval(name, 2);
    const res = await berth.api('DELETE', `/api/hosts/${tapped}/volumes/${name}`, { token });
    tap.before = () => Promise.resolve('pass');
    expect(res.status).toBe(204);
    expect(removals).toBe(3);
    expect(await volumesOnEngine()).not.toContain(name);
  });

  it('is answered 409 with the engine’s reason when it stays so, and kept', async () => {
    const name = `v-${RUN}-stuck`;
    await dockerOk(a, ['volume', 'create', '--label', LABEL, name]);
    refuseRemoval(name, Infinity);
    const res = await berth.api<ErrorBody>('DELETE', `/api/hosts/${tapped}/volumes/${name}`, {
      token,
    });
    tap.before = () => Promise.resolve('pass');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(inUse(name).body.message);
    expect(removals).toBe(5);
    expect(await volumesOnEngine()).toContain(name);
    await dockerOk(a, ['volume', 'rm', name]);
  });
});

describe('prune', () => {
  it('removes the unused volumes carrying the label asked for, and says so', async () => {
    const unused = `v-${RUN}-unused`;
    const used = `v-${RUN}-used`;
    await dockerOk(a, ['volume', 'create', '--label', LABEL, unused]);
    await dockerOk(a, ['volume', 'create', '--label', LABEL, used]);
    await dockerOk(a, ['create', '--label', LABEL, '-v', `${used}:/x`, IMAGE, 'true']);
    const res = await berth.api<TPruneResponse>('POST', `${base()}/prune?label=${LABEL}`, {
      token,
    });
    expect(res.status).toBe(200);
    expect(res.body.removed).toEqual([unused]);
    expect(await volumesOnEngine()).toContain(used);
    expect(await volumesOnEngine()).not.toContain(unused);
  });
});

describe('users with limited grants', () => {
  let reader: string;
  let standard: string;
  const stranger = `v-${RUN}-stranger`;

  beforeAll(async () => {
    reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    standard = await grantedUserToken(berth, `standard-${RUN}`, hostId, 'standard');
    await dockerOk(a, ['volume', 'create', '--label', LABEL, stranger]);
  });

  it('a read-only user may inspect but gets 403 naming the permission on every change and on browsing', async () => {
    expect((await inspect(stranger, { token: reader })).status).toBe(200);
    const calls: [string, string, unknown, string][] = [
      ['POST', base(), { name: `v-${RUN}-ro` }, 'volume.create'],
      ['DELETE', `${base()}/${stranger}`, undefined, 'volume.delete'],
      ['POST', `${base()}/prune`, undefined, 'volume.delete'],
      ['GET', `${base()}/${stranger}/files?path=/`, undefined, 'volume.browse'],
      ['GET', `${base()}/${stranger}/download?path=/`, undefined, 'volume.browse'],
    ];
    for (const [method, path, body, missing] of calls) {
      const res = await berth.api<ErrorBody>(method, path, {
        token: reader,
        ...(body === undefined ? {} : { body }),
      });
      expect([method, path, res.status, res.body.error.details?.missing]).toEqual([
        method,
        path,
        403,
        missing,
      ]);
    }
    expect(await volumesOnEngine()).toContain(stranger);
    expect(await volumesOnEngine()).not.toContain(`v-${RUN}-ro`);
  });

  it('a standard user makes, browses and prunes their own volumes only', async () => {
    const mine = `v-${RUN}-mine`;
    expect((await create({ name: mine }, { token: standard })).status).toBe(201);
    expect((await files(mine, '/', { token: standard })).body).toEqual({ path: '/', entries: [] });
    expect((await inspect(stranger, { token: standard })).status).toBe(404);
    expect((await files(stranger, '/', { token: standard })).status).toBe(404);
    const prune = await berth.api<TPruneResponse>('POST', `${base()}/prune`, { token: standard });
    expect(prune.body.removed).toEqual([mine]);
    expect(await volumesOnEngine()).toContain(stranger);
  });

  it("a standard user's volume held by another's container is refused without naming that container", async () => {
    const mine = `v-${RUN}-mine-held`;
    expect((await create({ name: mine }, { token: standard })).status).toBe(201);
    const holder = `c-${RUN}-not-theirs`;
    await dockerOk(a, ['create', '--name', holder, '--label', LABEL, '-v', `${mine}:/v`, IMAGE]);
    const res = await berth.api<ErrorBody>('DELETE', `${base()}/${mine}`, { token: standard });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/in use/);
    expect(res.body.error.message).not.toContain(holder);
    await dockerOk(a, ['rm', '-f', holder]);
    expect((await berth.api('DELETE', `${base()}/${mine}`, { token: standard })).status).toBe(204);
  });

  it('a bind in disguise (o=bind) is held to the host policy for non-administrators', async () => {
    const res = await create(
      {
        name: `v-${RUN}-bind`,
        driverOpts: { type: 'none', o: 'bind', device: '/etc' },
      },
      { token: standard },
    );
    expect(res.status).toBe(403);
    expect(issuesOf(res)).toEqual([
      { path: 'driverOpts.device', message: expect.stringMatching(/\/etc/) },
    ]);
    expect(await volumesOnEngine()).not.toContain(`v-${RUN}-bind`);
  });
});
