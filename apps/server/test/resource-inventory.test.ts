import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TFleetSummary,
  TImageListResponse,
  TImageSummary,
  TNetworkListResponse,
  TNetworkSummary,
  TVolumeListResponse,
  TVolumeSummary,
} from '@berth/shared';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * Images, networks and volumes join the live inventory: made and removed with the docker CLI
 * straight on the engine, they show in the fleet lists within moments, with how many containers
 * use them; a host whose engine cannot be reached keeps its entries marked stale and is
 * reconciled when it is back. The unreachable host is a socket of the test's own in front of
 * host a, so no shared engine is stopped. Everything made here carries the run's prefix.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const PREFIX = `inv-${RUN}`;
const LABEL = `test.run=${RUN}`;
const a: CliTarget = { host: fleetHost('a').direct };
const b: CliTarget = { host: fleetHost('b').direct };
const PASSWORD = 'a-user-password-1';

let berth: TestBerth;
let token: string;
let hostA: string;
let hostB: string;

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostB = (await berth.addHost(token, fleetHost('b').registration)).id;
});

afterAll(async () => {
  for (const target of [a, b]) {
    const ids = (await docker(target, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(target, ['rm', '-f', ...ids]);
    const nets = (
      await docker(target, ['network', 'ls', '-q', '--filter', `label=${LABEL}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (nets.length > 0) await docker(target, ['network', 'rm', ...nets]);
    const vols = (await docker(target, ['volume', 'ls', '-q', '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (vols.length > 0) await docker(target, ['volume', 'rm', '-f', ...vols]);
    await docker(target, ['rmi', '-f', `${PREFIX}/img:1`]);
  }
  await berth?.stop();
});

async function get<T>(
  path: string,
  auth: { token?: string; headers?: Record<string, string> } = { token },
) {
  const res = await berth.api<T>('GET', path, auth);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const images = (query: string) => get<TImageListResponse>(`/api/images?${query}`);
const networks = (query: string) => get<TNetworkListResponse>(`/api/networks?${query}`);
const volumes = (query: string) => get<TVolumeListResponse>(`/api/volumes?${query}`);

/** Builds a one-layer image of the fleet's base image that no one else has (its own label). */
async function buildImage(target: CliTarget, tag: string): Promise<string> {
  await dockerOk(target, ['build', '-q', '-t', tag, '-'], {
    input: `FROM ${fleet().image}\nLABEL ${LABEL}\n`,
    env: { DOCKER_BUILDKIT: '0' },
  });
  return dockerOk(target, ['image', 'inspect', '-f', '{{.Id}}', tag]);
}

describe('changes made on the engine', () => {
  it('lists an image, network and volume within moments, counts the containers that use them, and drops them once removed', async () => {
    const imageId = await buildImage(a, `${PREFIX}/img:1`);
    const net = `${PREFIX}-net`;
    const vol = `${PREFIX}-vol`;
    const netId = await dockerOk(a, ['network', 'create', '--label', LABEL, net]);
    await dockerOk(a, ['volume', 'create', '--label', LABEL, vol]);

    const started = Date.now();
    let image: TImageSummary | undefined;
    let network: TNetworkSummary | undefined;
    let volume: TVolumeSummary | undefined;
    await waitFor(
      async () => {
        image = (await images(`q=${PREFIX}`)).items[0];
        network = (await networks(`q=${PREFIX}`)).items[0];
        volume = (await volumes(`q=${PREFIX}`)).items[0];
        return image !== undefined && network !== undefined && volume !== undefined;
      },
      5_000,
      'all three listed',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(image).toMatchObject({
      id: imageId,
      hostId: hostA,
      hostName: 'a',
      repoTags: [`${PREFIX}/img:1`],
      dangling: false,
      containers: 0,
      stale: false,
    });
    expect(image!.size).toBeGreaterThan(0);
    expect(network).toMatchObject({
      id: netId,
      hostId: hostA,
      name: net,
      driver: 'bridge',
      scope: 'local',
      internal: false,
      builtIn: false,
      containers: 0,
    });
    expect(volume).toMatchObject({ name: vol, hostId: hostA, driver: 'local', containers: 0 });
    expect(volume!.mountpoint).toContain(vol);

    // One container uses all three; a second one only the image.
    await dockerOk(a, [
      'run',
      '-d',
      '--label',
      LABEL,
      '--network',
      net,
      '-v',
      `${vol}:/data`,
      `${PREFIX}/img:1`,
      'sleep',
      '3600',
    ]);
    await dockerOk(a, ['create', '--label', LABEL, `${PREFIX}/img:1`, 'true']);
    await waitFor(
      async () =>
        (await images(`q=${PREFIX}`)).items[0]?.containers === 2 &&
        (await networks(`q=${PREFIX}`)).items[0]?.containers === 1 &&
        (await volumes(`q=${PREFIX}`)).items[0]?.containers === 1,
      5_000,
      'usage counted',
    );
    expect((await volumes(`q=${PREFIX}&unused=false`)).total).toBe(1);
    expect((await volumes(`q=${PREFIX}&unused=true`)).total).toBe(0);

    const ids = (await dockerOk(a, ['ps', '-aq', '--filter', `label=${LABEL}`])).split('\n');
    await dockerOk(a, ['rm', '-f', ...ids]);
    await dockerOk(a, ['network', 'rm', net]);
    await dockerOk(a, ['volume', 'rm', vol]);
    await dockerOk(a, ['rmi', `${PREFIX}/img:1`]);
    await waitFor(
      async () =>
        (await images(`q=${PREFIX}`)).total === 0 &&
        (await networks(`q=${PREFIX}`)).total === 0 &&
        (await volumes(`q=${PREFIX}`)).total === 0,
      5_000,
      'all three gone',
    );
  });
});

describe('the fleet summary', () => {
  /** When the inventory last asked host a for its images, networks and volumes. */
  async function listedAt(): Promise<number> {
    const summary = await get<TFleetSummary>('/api/fleet/summary');
    const at = summary.perHost.find((host) => host.hostId === hostA)?.resourcesListedAt;
    return at ? Date.parse(at) : 0;
  }

  /** Waits until the summary shows a listing asked after `since`, and answers the volume list then. */
  async function listedAfter(since: number, name: string): Promise<string[]> {
    await waitFor(async () => (await listedAt()) > since, 10_000, 'host a to be listed again');
    return (await volumes(`q=${name}`)).items.map((volume) => volume.name);
  }

  it('says when a host was last listed, and a list read after that holds every change made before', async () => {
    const name = `${PREFIX}-announced`;
    await dockerOk(a, ['volume', 'create', '--label', LABEL, name]);
    expect(await listedAfter(Date.now(), name)).toEqual([name]);
    await dockerOk(a, ['volume', 'rm', name]);
    expect(await listedAfter(Date.now(), name)).toEqual([]);
  });
});

describe('the fleet lists', () => {
  it('covers every host, filters by host, dangling and driver, and pages with a cursor', async () => {
    const all = await networks('limit=500');
    const hosts = new Set(all.items.map((n) => n.hostId));
    expect(hosts).toEqual(new Set([hostA, hostB]));
    // Every engine has its own bridge, host and none, built in.
    const builtIn = all.items.filter((n) => n.builtIn).map((n) => `${n.hostName}/${n.name}`);
    expect(builtIn).toEqual(expect.arrayContaining(['a/bridge', 'a/host', 'a/none', 'b/bridge']));
    const onB = await networks(`hostId=${hostB}&driver=null&limit=500`);
    expect(onB.items.map((n) => n.name)).toEqual(['none']);

    const base = await images(`q=${encodeURIComponent(fleet().image)}&sort=host`);
    expect(base.items.map((i) => i.hostName)).toEqual(['a', 'b']);
    const dangling = await images('dangling=true&limit=500');
    expect(dangling.items.every((i) => i.dangling && i.repoTags.length === 0)).toBe(true);

    // Paging: one network at a time reaches every network once, in order. The networks paged
    // are this test's own, on both hosts: other suites make and remove theirs meanwhile.
    const paged = `${PREFIX}-page`;
    await dockerOk(a, ['network', 'create', '--label', LABEL, `${paged}-1`]);
    await dockerOk(b, ['network', 'create', '--label', LABEL, `${paged}-2`]);
    await dockerOk(a, ['network', 'create', '--label', LABEL, `${paged}-3`]);
    const query = `q=${paged}&sort=name`;
    await waitFor(async () => (await networks(query)).total === 3, 5_000, 'the paged networks');
    const listed = await networks(query);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: TNetworkListResponse = await networks(
        `${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.total).toBe(3);
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(listed.items.map((n) => n.id));
    expect(listed.items.map((n) => n.name)).toEqual([`${paged}-1`, `${paged}-2`, `${paged}-3`]);
    await dockerOk(a, ['network', 'rm', `${paged}-1`, `${paged}-3`]);
    await dockerOk(b, ['network', 'rm', `${paged}-2`]);
    await waitFor(async () => (await networks(query)).total === 0, 5_000, 'the paged ones gone');

    const wrong = await berth.api<ErrorBody>('GET', '/api/images?cursor=nonsense', { token });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.issues).toEqual([
      { path: 'cursor', message: 'not a cursor from this list' },
    ]);
    const bad = await berth.api<ErrorBody>('GET', '/api/volumes?limit=0&sort=size', { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'limit' }),
        expect.objectContaining({ path: 'sort' }),
      ]),
    );
  });

  it('answers only the hosts a user may list on, and owner-limited users only their own networks and volumes', async () => {
    const db = berth.server.app.get(PrismaService).db;
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(PASSWORD);
    const reader = await db.user.create({ data: { username: `reader-${RUN}`, passwordHash } });
    const std = await db.user.create({ data: { username: `std-${RUN}`, passwordHash } });
    await db.grant.create({ data: { userId: reader.id, hostId: hostA, role: 'read-only' } });
    await db.grant.create({ data: { userId: std.id, hostId: hostA, role: 'standard' } });
    const mine = `${PREFIX}-mine`;
    const theirs = `${PREFIX}-theirs`;
    const owner = ['--label', LABEL, '--label', `berth.owner=${std.id}`];
    for (const kind of ['volume', 'network']) {
      await dockerOk(a, [kind, 'create', ...owner, mine]);
      await dockerOk(a, [kind, 'create', '--label', LABEL, theirs]);
    }
    await waitFor(
      async () =>
        (await volumes(`q=${PREFIX}`)).total === 2 && (await networks(`q=${PREFIX}`)).total === 2,
      5_000,
      'listed',
    );
    const signIn = async (username: string) => {
      const res = await fetch(`${berth.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      return { headers: { cookie: res.headers.get('set-cookie')!.split(';')[0]! } };
    };
    const asReader = await signIn(`reader-${RUN}`);
    const asStd = await signIn(`std-${RUN}`);

    const readerVolumes = await get<TVolumeListResponse>(`/api/volumes?q=${PREFIX}`, asReader);
    expect(readerVolumes.items.map((v) => v.name).sort()).toEqual([mine, theirs]);
    const readerImages = await get<TImageListResponse>('/api/images?limit=500', asReader);
    expect(new Set(readerImages.items.map((i) => i.hostId))).toEqual(new Set([hostA]));

    const stdVolumes = await get<TVolumeListResponse>(`/api/volumes?q=${PREFIX}`, asStd);
    expect(stdVolumes.items.map((v) => v.name)).toEqual([mine]);
    const stdNetworks = await get<TNetworkListResponse>('/api/networks?limit=500', asStd);
    expect(stdNetworks.items.map((n) => n.name).sort()).toEqual(['bridge', 'host', mine, 'none']);
    // Images are everyone's on a host.
    const stdImages = await get<TImageListResponse>('/api/images?limit=500', asStd);
    expect(stdImages.total).toBe(readerImages.total);

    await dockerOk(a, ['volume', 'rm', mine, theirs]);
    await dockerOk(a, ['network', 'rm', mine, theirs]);
  });
});

describe('a host that cannot be reached', () => {
  const path = join(tmpdir(), `berth-inv-${RUN}.sock`);
  const upstream = fleetHost('a').direct.replace(/^unix:\/\//, '');
  let server: Server | null = null;
  const sockets = new Set<Socket>();

  const open = () =>
    new Promise<void>((resolve) => {
      rmSync(path, { force: true });
      server = createServer((client) => {
        const engine = connect(upstream);
        sockets.add(client).add(engine);
        client.pipe(engine).pipe(client);
        const end = () => {
          client.destroy();
          engine.destroy();
        };
        client.on('error', end).on('close', end);
        engine.on('error', end).on('close', end);
      });
      server.listen(path, resolve);
    });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) resolve();
      else server.close(() => resolve());
      server = null;
    });

  afterAll(async () => {
    await close();
    rmSync(path, { force: true });
  });

  it('keeps its entries marked stale while down and reconciles them when it is back', async () => {
    await open();
    const proxied = (await berth.addHost(token, { name: `px-${RUN}`, url: `unix://${path}` })).id;
    const vol = `${PREFIX}-px`;
    await dockerOk(a, ['volume', 'create', '--label', LABEL, vol]);
    const onProxy = () => volumes(`hostId=${proxied}&q=${PREFIX}`);
    await waitFor(async () => (await onProxy()).items[0]?.stale === false, 10_000, 'listed fresh');

    await close();
    await waitFor(async () => (await onProxy()).items[0]?.stale === true, 10_000, 'stale');
    // Removed while Berth cannot see it: still listed, as last seen.
    await dockerOk(a, ['volume', 'rm', vol]);
    expect((await onProxy()).items.map((v) => v.name)).toEqual([vol]);

    await open();
    await waitFor(async () => (await onProxy()).total === 0, 40_000, 'reconciled');
    const images = await get<TImageListResponse>(`/api/images?hostId=${proxied}&limit=1`);
    expect(images.items[0]?.stale).toBe(false);
  });
});
