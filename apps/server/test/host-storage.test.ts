import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TDiskUsage,
  THostStorage,
  TSystemPrunePreview,
  TSystemPruneResponse,
} from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';

/**
 * A host's storage through the REST API on the real fleet: driver, status and data root as the
 * engine reports them, disk usage, and a prune whose preview lists exactly what it then removes.
 * The fleet is shared, so the prune here is limited to this run's label: a stopped container, an
 * unused volume and network and an untagged image of this run, while a running container, a
 * volume it mounts and an unlabelled stopped container stay.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const a: CliTarget = { host: fleetHost('a').direct };

let berth: TestBerth;
let token: string;
let hostId: string;
let danglingId: string;

const base = () => `/api/hosts/${hostId}`;

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  await dockerOk(a, ['volume', 'create', '--label', LABEL, `kept-${RUN}`]);
  await dockerOk(a, ['volume', 'create', '--label', LABEL, `unused-${RUN}`]);
  await dockerOk(a, ['network', 'create', '--label', LABEL, `net-${RUN}`]);
  await dockerOk(a, ['create', '--label', LABEL, '--name', `stopped-${RUN}`, IMAGE, 'true']);
  await dockerOk(a, ['create', '--name', `unlabelled-${RUN}`, IMAGE, 'true']);
  await dockerOk(a, [
    'run',
    '-d',
    '--label',
    LABEL,
    '--name',
    `running-${RUN}`,
    '-v',
    `kept-${RUN}:/kept`,
    IMAGE,
    'sleep',
    '600',
  ]);
  // An untagged image of this run: built, then its tag given to another build.
  const build = (seed: string) =>
    dockerOk(a, ['build', '-q', '-t', `dangling-${RUN}:1`, '-'], {
      input: `FROM ${IMAGE}\nLABEL ${LABEL} seed=${seed}\n`,
      env: { DOCKER_BUILDKIT: '0' },
      timeoutMs: 60_000,
    });
  await build('first');
  danglingId = await dockerOk(a, ['image', 'inspect', '-f', '{{.Id}}', `dangling-${RUN}:1`]);
  await build('second');
});

afterAll(async () => {
  await docker(a, ['rm', '-f', `stopped-${RUN}`, `unlabelled-${RUN}`, `running-${RUN}`]);
  await docker(a, ['volume', 'rm', '-f', `kept-${RUN}`, `unused-${RUN}`]);
  await docker(a, ['network', 'rm', `net-${RUN}`]);
  if (danglingId) await docker(a, ['rmi', '-f', danglingId]);
  await docker(a, ['rmi', '-f', `dangling-${RUN}:1`]);
  await berth?.stop();
});

const api = <T>(method: string, path: string, body?: unknown, as = token) =>
  berth.api<T>(method, path, { token: as, ...(body === undefined ? {} : { body }) });

describe('storage facts', () => {
  it('shows the storage driver, its status fields and the data root as the engine has them', async () => {
    const res = await api<THostStorage>('GET', `${base()}/storage`);
    expect(res.status).toBe(200);
    expect(res.body.driver).toBe(await dockerOk(a, ['info', '-f', '{{.Driver}}']));
    expect(res.body.dataRoot).toBe(await dockerOk(a, ['info', '-f', '{{.DockerRootDir}}']));
    const names = res.body.driverStatus.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Backing Filesystem', 'Supports d_type']));
  });

  it("reports disk usage per kind, counting this run's objects as used or reclaimable", async () => {
    const res = await api<TDiskUsage>('GET', `${base()}/disk-usage`);
    expect(res.status).toBe(200);
    const { containers, volumes, images } = res.body;
    expect(containers.count).toBeGreaterThanOrEqual(3);
    expect(containers.active).toBeGreaterThanOrEqual(1);
    expect(containers.count - containers.active).toBeGreaterThanOrEqual(2);
    expect(volumes.count).toBeGreaterThanOrEqual(2);
    expect(volumes.active).toBeGreaterThanOrEqual(1);
    expect(volumes.active).toBeLessThan(volumes.count);
    expect(images.size).toBeGreaterThan(0);
    expect(images.reclaimable).toBeLessThanOrEqual(images.size);
    const ids = (await dockerOk(a, ['ps', '-aq'])).split('\n').filter(Boolean);
    // Others may add or remove containers meanwhile: the count is near what the CLI sees.
    expect(Math.abs(containers.count - ids.length)).toBeLessThanOrEqual(5);
  });
});

describe('prune', () => {
  const choices = {
    images: 'dangling',
    containers: true,
    networks: true,
    volumes: true,
    buildCache: true,
    label: LABEL,
  };

  it('previews exactly what the label limits it to, with sizes', async () => {
    const query = new URLSearchParams({
      images: 'dangling',
      containers: 'true',
      networks: 'true',
      volumes: 'true',
      buildCache: 'true',
      label: LABEL,
    });
    const res = await api<TSystemPrunePreview>('GET', `${base()}/prune?${query.toString()}`);
    expect(res.status).toBe(200);
    expect(res.body.containers.map((c) => c.name)).toEqual([`stopped-${RUN}`]);
    expect(res.body.volumes.map((v) => v.name)).toEqual([`unused-${RUN}`]);
    expect(res.body.networks.map((n) => n.name)).toEqual([`net-${RUN}`]);
    expect(res.body.images.map((i) => [i.id, i.name])).toEqual([[danglingId, '<none>']]);
    expect(res.body.buildCache).toEqual([]);
    const sized = [...res.body.containers, ...res.body.images, ...res.body.volumes];
    expect(res.body.reclaimable).toBe(sized.reduce((sum, item) => sum + (item.size ?? 0), 0));
  });

  it('a read-only user sees storage but gets 403 naming system.prune on the preview and the prune', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    expect((await api('GET', `${base()}/storage`, undefined, reader)).status).toBe(200);
    expect((await api('GET', `${base()}/disk-usage`, undefined, reader)).status).toBe(200);
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', choices],
    ] as const) {
      const res = await api<ErrorBody>(method, `${base()}/prune`, body, reader);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('system.prune');
    }
    expect(await dockerOk(a, ['ps', '-aq', '--filter', `name=stopped-${RUN}`])).not.toBe('');
  });

  it('names the field of a bad choice', async () => {
    const res = await api<ErrorBody>('POST', `${base()}/prune`, { ...choices, images: 'some' });
    expect(res.status).toBe(400);
    expect((res.body.error.details?.issues as { path: string }[])[0]?.path).toBe('images');
  });

  it('removes what the preview listed and nothing else, audited', async () => {
    const res = await api<TSystemPruneResponse>('POST', `${base()}/prune`, choices);
    expect(res.status).toBe(200);
    expect(res.body.containers).toHaveLength(1);
    expect(res.body.volumes).toEqual([`unused-${RUN}`]);
    expect(res.body.networks).toEqual([`net-${RUN}`]);
    expect(res.body.images).toContain(danglingId);
    expect(res.body.buildCache).toEqual([]);
    const left = async (args: string[]) => (await dockerOk(a, args)).split('\n').filter(Boolean);
    expect(await left(['ps', '-a', '--format', '{{.Names}}', '--filter', `name=-${RUN}`])).toEqual(
      expect.arrayContaining([`running-${RUN}`, `unlabelled-${RUN}`]),
    );
    expect(
      await left(['ps', '-a', '--format', '{{.Names}}', '--filter', `name=stopped-${RUN}`]),
    ).toEqual([]);
    expect(await left(['volume', 'ls', '-q', '--filter', `label=${LABEL}`])).toEqual([
      `kept-${RUN}`,
    ]);
    const audit = await berth.server.app
      .get(PrismaService)
      .db.auditEvent.findMany({ where: { action: 'system.prune' }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => e.outcome)).toEqual(['denied', 'success']);
    expect(JSON.parse(audit[1]!.details ?? '{}')).toMatchObject({
      containers: 1,
      volumes: 1,
      networks: 1,
      label: LABEL,
    });
  });
});
