import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TBulkContainerResponse,
  TContainerChange,
  TContainerListResponse,
  TContainerSummary,
  TContainerTop,
  TCreateContainerInput,
  TCreateContainerResponse,
  TFleetSummary,
  TLoginResponse,
  TRecreateContainerResponse,
} from '@berth/shared';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { type ApiAnswer, TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * The container REST API against hosts a and b of the real test fleet: the fleet list from the
 * live inventory, every lifecycle action, create with its validation, secret masking, bulk, the
 * summary, and what a user without the right grant gets. Containers carry `test.run=RUN`, so the
 * run ignores (and cleans up only) its own while other test files use the same engines.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const direct: Record<'a' | 'b', CliTarget> = {
  a: { host: fleetHost('a').direct },
  b: { host: fleetHost('b').direct },
};

let berth: TestBerth;
let token: string;
let adminId: string;
const hostIds: Record<'a' | 'b', string> = { a: '', b: '' };

beforeAll(async () => {
  berth = await TestBerth.start();
  // The tests' fetch shares this process's event loop with the server; a server that keeps idle
  // connections longer than the client does never closes one the client is about to reuse.
  token = await berth.adminToken();
  adminId = (await berth.api<TLoginResponse>('GET', '/api/auth/me', { token })).body.user.id;
  hostIds.a = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostIds.b = (await berth.addHost(token, fleetHost('b').registration)).id;
});

afterAll(async () => {
  for (const target of Object.values(direct)) {
    const ids = (await docker(target, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(target, ['rm', '-f', ...ids]);
    await docker(target, ['volume', 'rm', '-f', `vol-${RUN}`]);
  }
  await berth?.stop();
});

/** Starts a container straight on an engine, bypassing Berth (the inventory must notice it). */
async function runDirect(
  host: 'a' | 'b',
  name: string,
  extra: string[] = [],
  command = ['sleep', '3600'],
): Promise<string> {
  return dockerOk(direct[host], [
    'run',
    '-d',
    '--name',
    name,
    '--label',
    LABEL,
    ...extra,
    IMAGE,
    ...command,
  ]);
}

function list(
  query: string,
  auth: { token?: string; headers?: Record<string, string> } = { token },
) {
  return berth.api<TContainerListResponse>('GET', `/api/containers?q=${RUN}&${query}`, auth);
}

async function waitForList(
  query: string,
  check: (body: TContainerListResponse) => boolean,
  what: string,
): Promise<TContainerListResponse> {
  let last: TContainerListResponse | undefined;
  await waitFor(
    async () => {
      last = (await list(query)).body;
      return check(last);
    },
    10_000,
    what,
  );
  return last!;
}

function stateOf(hostId: string, id: string): Promise<TContainerSummary | undefined> {
  return list(`hostId=${hostId}&limit=500`).then((res) => res.body.items.find((c) => c.id === id));
}

async function waitForState(hostId: string, id: string, state: string): Promise<void> {
  await waitFor(async () => (await stateOf(hostId, id))?.state === state, 5_000, `state ${state}`);
}

function post<T = unknown>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
  return berth.api<T>('POST', path, { token, ...(body === undefined ? {} : { body }) });
}

async function auditRows(where: Record<string, unknown>) {
  return berth.server.app
    .get(PrismaService)
    .db.auditEvent.findMany({ where, orderBy: { id: 'asc' } });
}

describe('the fleet list, answered from memory', () => {
  const names = {
    web1: `c-${RUN}-web1`,
    db: `c-${RUN}-db`,
    web2: `c-${RUN}-web2`,
    job: `c-${RUN}-job`,
  };

  beforeAll(async () => {
    await runDirect('a', names.web1, ['--label', 'tier=web']);
    await dockerOk(direct.a, [
      'create',
      '--name',
      names.db,
      '--label',
      LABEL,
      '--label',
      'role=database',
      IMAGE,
      'sleep',
      '1',
    ]);
    await runDirect('b', names.web2, ['--label', 'tier=web']);
    await runDirect('b', names.job, [], ['true']);
  });

  it('shows containers of both hosts, created outside Berth, within moments', async () => {
    // Latency is measured in inventory.test.ts; here the list only has to catch up (10 s).
    const body = await waitForList(
      'limit=50',
      (b) => b.total === 4 && b.items.some((c) => c.name === names.job && c.state === 'exited'),
      'four containers',
    );
    const web1 = body.items.find((c) => c.name === names.web1)!;
    expect(web1).toMatchObject({
      hostId: hostIds.a,
      hostName: 'a',
      image: IMAGE,
      state: 'running',
      stale: false,
      labels: { 'test.run': RUN, tier: 'web' },
    });
    expect(web1.status).toMatch(/^Up/);
    expect(new Date(web1.createdAt).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(body.items.map((c) => c.hostId).sort()).toEqual(
      [hostIds.a, hostIds.a, hostIds.b, hostIds.b].sort(),
    );
  });

  it('filters by host, state and text over name, image and labels', async () => {
    expect((await list(`hostId=${hostIds.b}`)).body.items.map((c) => c.name).sort()).toEqual(
      [names.job, names.web2].sort(),
    );
    expect((await list(`hostId=${hostIds.a},${hostIds.b}`)).body.total).toBe(4);
    expect((await list('state=running')).body.items.map((c) => c.name).sort()).toEqual(
      [names.web1, names.web2].sort(),
    );
    expect((await list('state=created,exited')).body.total).toBe(2);
    // Label key and label value both match; `q` takes only the first word of the run here.
    const byValue = await berth.api<TContainerListResponse>(
      'GET',
      `/api/containers?q=database&hostId=${hostIds.a}`,
      { token },
    );
    expect(byValue.body.items.map((c) => c.name)).toContain(names.db);
    const tiered = await berth.api<TContainerListResponse>(
      'GET',
      `/api/containers?q=tier&limit=500`,
      { token },
    );
    expect(
      tiered.body.items
        .filter((c) => c.labels['test.run'] === RUN)
        .map((c) => c.name)
        .sort(),
    ).toEqual([names.web1, names.web2].sort());
    // Other containers on the shared engines may match too: walk every page.
    const byImage: TContainerListResponse['items'] = [];
    let cursor: string | null = null;
    do {
      const page: ApiAnswer<TContainerListResponse> = await berth.api<TContainerListResponse>(
        'GET',
        `/api/containers?q=BusyBox&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      byImage.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(byImage.filter((c) => c.labels['test.run'] === RUN)).toHaveLength(4);
  });

  it('sorts by name, image, state, created and host, both ways', async () => {
    const sorted = async (sort: string, order: string) =>
      (await list(`sort=${sort}&order=${order}`)).body.items.map((c) => c.name);
    const byName = [names.db, names.job, names.web1, names.web2];
    expect(await sorted('name', 'asc')).toEqual(byName);
    expect(await sorted('name', 'desc')).toEqual([...byName].reverse());
    // Ties on the sort field fall back to the name.
    expect(await sorted('host', 'asc')).toEqual([names.db, names.web1, names.job, names.web2]);
    expect(await sorted('state', 'asc')).toEqual([names.db, names.job, names.web1, names.web2]);
    // The engine keeps creation times in seconds: check the order, not exact places.
    const created = (await list('sort=created&order=desc')).body.items.map((c) => c.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    expect(await sorted('image', 'asc')).toEqual(byName);
  });

  it('pages with an opaque cursor until there is none', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: TContainerListResponse = (
        await list(`sort=name&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).body;
      expect(page.total).toBe(4);
      seen.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([names.db, names.job, names.web1, names.web2]);
  });

  it('names the field of a bad query', async () => {
    const bad = await berth.api<ErrorBody>('GET', '/api/containers?limit=0&state=sleeping', {
      token,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.issues?.map((i) => i.path).sort()).toEqual(['limit', 'state.0']);
    const first = (await list('sort=name&limit=1')).body.nextCursor!;
    const otherSort = await berth.api<ErrorBody>(
      'GET',
      `/api/containers?sort=image&limit=1&cursor=${first}`,
      { token },
    );
    expect(otherSort.status).toBe(400);
    expect(otherSort.body.error.details?.issues?.[0]?.path).toBe('cursor');
    const garbage = await berth.api<ErrorBody>('GET', '/api/containers?cursor=nonsense', { token });
    expect(garbage.status).toBe(400);
  });
});

describe('lifecycle actions', () => {
  let id: string;
  const name = `c-${RUN}-life`;
  const base = () => `/api/hosts/${hostIds.a}/containers`;

  beforeAll(async () => {
    id = await runDirect('a', name);
    await waitForState(hostIds.a, id, 'running');
  });

  it('stops, starts, restarts, pauses, unpauses and kills, each audited with its action', async () => {
    expect((await post(`${base()}/${id}/stop?t=1`)).status).toBe(204);
    await waitForState(hostIds.a, id, 'exited');
    expect((await post(`${base()}/${name}/start`)).status).toBe(204);
    await waitForState(hostIds.a, id, 'running');
    // Starting a running container is not an error (the engine answers 304).
    expect((await post(`${base()}/${id}/start`)).status).toBe(204);
    const startedAt = () => dockerOk(direct.a, ['inspect', '--format', '{{.State.StartedAt}}', id]);
    const before = await startedAt();
    expect((await post(`${base()}/${id}/restart?t=1`)).status).toBe(204);
    expect(await startedAt()).not.toBe(before);
    await waitForState(hostIds.a, id, 'running');
    expect((await post(`${base()}/${id}/pause`)).status).toBe(204);
    await waitForState(hostIds.a, id, 'paused');
    expect((await post(`${base()}/${id}/unpause`)).status).toBe(204);
    await waitForState(hostIds.a, id, 'running');
    expect((await post(`${base()}/${id}/kill?signal=SIGKILL`)).status).toBe(204);
    await waitForState(hostIds.a, id, 'exited');
    const rows = await auditRows({ target: name, action: { startsWith: 'container.' } });
    expect(rows.map((r) => r.action)).toEqual([
      'container.stop',
      'container.start',
      'container.start',
      'container.restart',
      'container.pause',
      'container.unpause',
      'container.kill',
    ]);
    expect(rows.every((r) => r.outcome === 'success' && r.hostId === hostIds.a)).toBe(true);
    expect(JSON.parse(rows[0]!.details!)).toMatchObject({ id, t: 1 });
    expect(JSON.parse(rows.at(-1)!.details!)).toMatchObject({ signal: 'SIGKILL' });
  });

  it('answers engine refusals in the one error shape', async () => {
    const notRunning = await berth.api<ErrorBody>('POST', `${base()}/${id}/pause`, { token });
    expect(notRunning.status).toBe(409);
    expect(notRunning.body.error.code).toBe('CONFLICT');
    expect(notRunning.body.error.message).toMatch(/not running/);
    const missing = await berth.api<ErrorBody>('POST', `${base()}/no-such-${RUN}/start`, { token });
    expect(missing.status).toBe(404);
    const badSignal = await berth.api<ErrorBody>('POST', `${base()}/${id}/kill?signal=no%20way`, {
      token,
    });
    expect(badSignal.status).toBe(400);
    expect(badSignal.body.error.details?.issues?.[0]?.path).toBe('signal');
    const unknownHost = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/nope/containers/${id}/start`,
      { token },
    );
    expect(unknownHost.status).toBe(404);
    const failed = await auditRows({ target: name, outcome: 'failure' });
    expect(failed.map((r) => r.action)).toContain('container.pause');
  });

  it('inspects, lists processes and filesystem changes', async () => {
    expect((await post(`${base()}/${id}/start`)).status).toBe(204);
    await dockerOk(direct.a, ['exec', name, 'touch', '/tmp/touched']);
    const inspect = await berth.api<{ Id: string; Name: string; State: { Running: boolean } }>(
      'GET',
      `${base()}/${name}/json`,
      { token },
    );
    expect(inspect.status).toBe(200);
    expect(inspect.body).toMatchObject({ Id: id, Name: `/${name}`, State: { Running: true } });
    const top = await berth.api<TContainerTop>('GET', `${base()}/${id}/top`, { token });
    expect(top.body.titles).toContain('PID');
    expect(top.body.processes.some((p) => p.join(' ').includes('sleep 3600'))).toBe(true);
    const changes = await berth.api<TContainerChange[]>('GET', `${base()}/${id}/changes`, {
      token,
    });
    expect(changes.body).toContainEqual({ path: '/tmp/touched', kind: 'added' });
  });

  it('renames and updates resources', async () => {
    const renamed = `${name}-renamed`;
    expect((await post(`${base()}/${id}/rename`, { name: renamed })).status).toBe(204);
    await waitFor(async () => (await stateOf(hostIds.a, id))?.name === renamed, 5_000, 'rename');
    expect((await post(`${base()}/${id}/rename`, { name })).status).toBe(204);
    const badName = await berth.api<ErrorBody>('POST', `${base()}/${id}/rename`, {
      token,
      body: { name: 'x' },
    });
    expect(badName.body.error.details?.issues?.[0]?.path).toBe('name');
    const update = await post<{ warnings: string[] }>(`${base()}/${id}/update`, {
      cpuShares: 512,
      memory: '96m',
      memorySwap: '192m',
      restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
    });
    expect(update.status).toBe(200);
    const hostConfig = JSON.parse(
      await dockerOk(direct.a, ['inspect', '--format', '{{json .HostConfig}}', id]),
    ) as { CpuShares: number; Memory: number; MemorySwap: number; RestartPolicy: unknown };
    expect(hostConfig).toMatchObject({
      CpuShares: 512,
      Memory: 96 * 1024 * 1024,
      MemorySwap: 192 * 1024 * 1024,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
    });
    const empty = await berth.api<ErrorBody>('POST', `${base()}/${id}/update`, { token, body: {} });
    expect(empty.status).toBe(400);
    const swap = await berth.api<ErrorBody>('POST', `${base()}/${id}/update`, {
      token,
      body: { memory: '64m', memorySwap: '32m' },
    });
    expect(swap.body.error.details?.issues?.[0]?.path).toBe('memorySwap');
    const actions = (
      await auditRows({
        hostId: hostIds.a,
        action: { in: ['container.rename', 'container.update'] },
      })
    )
      .filter((r) => (JSON.parse(r.details ?? '{}') as { id?: string }).id === id)
      .map((r) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual([
      'container.rename:success',
      'container.rename:success',
      'container.update:success',
    ]);
  });

  it('recreates with the same configuration and removes the old container', async () => {
    const recreated = await post<TRecreateContainerResponse>(`${base()}/${id}/recreate`, { t: 1 });
    expect(recreated.status).toBe(200);
    expect(recreated.body).toMatchObject({ name, previousId: id, started: true });
    expect(recreated.body.id).not.toBe(id);
    const config = JSON.parse(
      await dockerOk(direct.a, ['inspect', '--format', '{{json .}}', recreated.body.id]),
    ) as {
      Name: string;
      Config: { Labels: Record<string, string>; Cmd: string[] };
      HostConfig: { Memory: number };
      State: { Running: boolean };
    };
    expect(config).toMatchObject({
      Name: `/${name}`,
      Config: { Labels: { 'test.run': RUN }, Cmd: ['sleep', '3600'] },
      HostConfig: { Memory: 96 * 1024 * 1024 },
      State: { Running: true },
    });
    expect((await docker(direct.a, ['inspect', id])).code).not.toBe(0);
    await waitFor(async () => (await stateOf(hostIds.a, id)) === undefined, 5_000, 'old one gone');
    id = recreated.body.id;
  });

  it('rolls a failed recreate back to the old container', async () => {
    // A container whose image tag is gone: the new one cannot be created, so the old one must come
    // back under its name and running. The tag is this run's own, so other tests are not touched.
    const tag = `local/recreate-${RUN}:1`;
    await dockerOk(direct.a, ['tag', IMAGE, tag]);
    const victim = await dockerOk(direct.a, [
      'run',
      '-d',
      '--name',
      `c-${RUN}-victim`,
      '--label',
      LABEL,
      tag,
      'sleep',
      '3600',
    ]);
    await dockerOk(direct.a, ['rmi', '-f', tag]);
    await waitForState(hostIds.a, victim, 'running');
    const res = await berth.api<ErrorBody>('POST', `${base()}/${victim}/recreate`, {
      token,
      body: { t: 0 },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/No such image/);
    const state = JSON.parse(
      await dockerOk(direct.a, ['inspect', '--format', '{{json .}}', `c-${RUN}-victim`]),
    ) as { Id: string; State: { Running: boolean } };
    expect(state).toMatchObject({ Id: victim, State: { Running: true } });
    const leftovers = await dockerOk(direct.a, [
      'ps',
      '-a',
      '--filter',
      `name=c-${RUN}-victim`,
      '--format',
      '{{.Names}}',
    ]);
    expect(leftovers.split('\n')).toEqual([`c-${RUN}-victim`]);
    const row = (await auditRows({ action: 'container.recreate', target: `c-${RUN}-victim` }))[0]!;
    expect(row.outcome).toBe('failure');
  });

  it('removes, with force and volumes', async () => {
    const res = await berth.api('DELETE', `${base()}/${id}?force=true&volumes=true`, { token });
    expect(res.status).toBe(204);
    await waitFor(async () => (await stateOf(hostIds.a, id)) === undefined, 5_000, 'removed');
    const row = (await auditRows({ action: 'container.remove', hostId: hostIds.a })).at(-1)!;
    expect(JSON.parse(row.details!)).toMatchObject({ id, force: true, volumes: true });
    const bad = await berth.api<ErrorBody>('DELETE', `${base()}/${id}?force=maybe`, { token });
    expect(bad.body.error.details?.issues?.[0]?.path).toBe('force');
  });
});

describe('create', () => {
  const base = () => `/api/hosts/${hostIds.a}/containers`;
  const SECRET = `s3cr3t-${RUN}`;

  it('creates and starts a container with every kind of setting, stamped with its owner', async () => {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const request: TCreateContainerInput = {
      image: IMAGE,
      name: `c-${RUN}-made`,
      cmd: ['sleep', '3600'],
      env: [
        { name: 'PLAIN', value: `visible-${RUN}` },
        { name: 'API_KEY', value: SECRET, secret: true },
      ],
      ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 80, protocol: 'tcp' }],
      volumes: [{ type: 'volume', source: `vol-${RUN}`, target: '/data', readOnly: false }],
      restartPolicy: { name: 'on-failure', maximumRetryCount: 2 },
      cpus: 0.5,
      memory: '64m',
      labels: { 'test.run': RUN, app: 'made' },
      user: 'nobody',
      workingDir: '/tmp',
      healthcheck: { test: ['CMD-SHELL', 'true'], intervalSeconds: 5, retries: 2 },
      logDriver: { name: 'json-file', options: { 'max-size': '1m' } },
    };
    const res = await post<TCreateContainerResponse>(base(), request);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      hostId: hostIds.a,
      name: `c-${RUN}-made`,
      started: true,
      pulled: false,
    });
    const real = JSON.parse(
      await dockerOk(direct.a, ['inspect', '--format', '{{json .}}', res.body.id]),
    ) as {
      Config: { Env: string[]; Labels: Record<string, string>; User: string; WorkingDir: string };
      HostConfig: {
        Memory: number;
        NanoCpus: number;
        RestartPolicy: unknown;
        PortBindings: unknown;
        LogConfig: unknown;
        Mounts: unknown[];
      };
      State: { Running: boolean };
    };
    // The engine has the real value; Berth's answers never do.
    expect(real.Config.Env).toContain(`API_KEY=${SECRET}`);
    expect(real.Config.Labels).toMatchObject({
      'berth.owner': adminId,
      'berth.secret-env': 'API_KEY',
      app: 'made',
    });
    expect(real.Config.Labels['berth.team']).toBeUndefined();
    expect(real).toMatchObject({
      Config: { User: 'nobody', WorkingDir: '/tmp' },
      HostConfig: {
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
        Mounts: [{ Type: 'volume', Source: `vol-${RUN}`, Target: '/data' }],
      },
      State: { Running: true },
    });
    const inspect = await berth.api<{ Config: { Env: string[] } }>(
      'GET',
      `${base()}/${res.body.id}/json`,
      { token },
    );
    expect(inspect.body.Config.Env).toContain('API_KEY=********');
    expect(inspect.body.Config.Env).toContain(`PLAIN=visible-${RUN}`);
    expect(JSON.stringify(inspect.body)).not.toContain(SECRET);
    await waitFor(
      async () => (await stateOf(hostIds.a, res.body.id)) !== undefined,
      5_000,
      'listed',
    );
    expect(JSON.stringify((await list('limit=500')).body)).not.toContain(SECRET);
    const row = (await auditRows({ action: 'container.create', target: `c-${RUN}-made` }))[0]!;
    expect(row.outcome).toBe('success');
    expect(JSON.parse(row.details!)).toMatchObject({
      image: IMAGE,
      env: 2,
      secretEnv: 1,
      id: res.body.id,
    });
    const everything = JSON.stringify(await auditRows({}));
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(`visible-${RUN}`);
  });

  it('names every invalid field and reaches no engine', async () => {
    const res = await berth.api<ErrorBody>('POST', base(), {
      token,
      body: {
        image: 'Not An Image',
        name: 'x',
        cmd: 'sleep 1',
        env: [{ name: '1BAD', value: 'v' }, { name: 'DUP' }, { name: 'DUP' }],
        ports: [
          { containerPort: 70000 },
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 81, hostPort: 8080 },
          { containerPort: 82, hostIp: 'localhost', hostPort: 1 },
        ],
        volumes: [
          { type: 'bind', source: 'relative/path', target: 'data' },
          { type: 'volume', source: 'ok-volume', target: '/same' },
          { type: 'volume', target: '/same/' },
        ],
        networks: [{ name: 'net', ipv4Address: '300.1.1.1' }],
        restartPolicy: { name: 'always', maximumRetryCount: 3 },
        cpus: 0,
        memory: '12 parsecs',
        labels: { 'berth.owner': 'me' },
        user: 'two words',
        workingDir: 'tmp',
        healthcheck: { test: ['WHAT'] },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const issues = Object.fromEntries(
      (res.body.error.details?.issues ?? []).map((i) => [i.path, i.message]),
    );
    expect(Object.keys(issues).sort()).toEqual(
      [
        'image',
        'name',
        'cmd',
        'env.0.name',
        'ports.0.containerPort',
        'ports.3.hostIp',
        'volumes.0.target',
        'volumes.0.source',
        'networks.0.ipv4Address',
        'restartPolicy.maximumRetryCount',
        'cpus',
        'memory',
        'labels.berth.owner',
        'user',
        'workingDir',
        'healthcheck.test',
      ].sort(),
    );
    expect(issues['ports.0.containerPort']).toBe('between 1 and 65535');
    expect(issues['memory']).toMatch(/512m/);
    expect(issues['labels.berth.owner']).toBe('berth.* labels are set by Berth');
    // Cross-field rules run once every field is valid on its own.
    const cross = await berth.api<ErrorBody>('POST', base(), {
      token,
      body: {
        image: IMAGE,
        env: [{ name: 'DUP' }, { name: 'DUP' }],
        ports: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 81, hostPort: 8080 },
          { containerPort: 82, hostPort: 8080, protocol: 'udp' },
        ],
        volumes: [{ source: 'one', target: '/same' }, { target: '/same/' }],
        memory: '1m',
      },
    });
    expect(cross.status).toBe(400);
    expect((cross.body.error.details?.issues ?? []).map((i) => i.path).sort()).toEqual(
      ['env.1.name', 'memory', 'ports.1.hostPort', 'volumes.1.target'].sort(),
    );
    expect(await auditRows({ action: 'container.create', outcome: 'failure' })).toEqual([]);
  });

  it('checks the request against the host: name taken, network missing', async () => {
    const taken = await berth.api<ErrorBody>('POST', base(), {
      token,
      body: { image: IMAGE, name: `c-${RUN}-made` },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details?.issues?.[0]?.path).toBe('name');
    const network = await berth.api<ErrorBody>('POST', base(), {
      token,
      body: { image: IMAGE, networks: [{ name: `no-net-${RUN}` }] },
    });
    expect(network.status).toBe(400);
    expect(network.body.error.details?.issues?.[0]).toEqual({
      path: 'networks.0.name',
      message: `no network named no-net-${RUN} on host a`,
    });
    const noImage = await berth.api<ErrorBody>('POST', base(), {
      token,
      body: { image: `local/missing-${RUN}:1`, pull: 'never', labels: { 'test.run': RUN } },
    });
    expect(noImage.status).toBe(404);
  });

  it('joins several networks and starts on request only', async () => {
    const net1 = `n1-${RUN}`;
    const net2 = `n2-${RUN}`;
    await dockerOk(direct.b, ['network', 'create', '--label', LABEL, net1]);
    await dockerOk(direct.b, ['network', 'create', '--label', LABEL, net2]);
    try {
      const res = await post<TCreateContainerResponse>(`/api/hosts/${hostIds.b}/containers`, {
        image: IMAGE,
        cmd: ['sleep', '3600'],
        start: false,
        networks: [{ name: net1, aliases: ['web'] }, { name: net2 }],
        labels: { 'test.run': RUN },
      });
      expect(res.status).toBe(201);
      expect(res.body.started).toBe(false);
      const real = JSON.parse(
        await dockerOk(direct.b, ['inspect', '--format', '{{json .}}', res.body.id]),
      ) as {
        State: { Status: string };
        NetworkSettings: { Networks: Record<string, { Aliases: string[] }> };
      };
      expect(real.State.Status).toBe('created');
      expect(Object.keys(real.NetworkSettings.Networks).sort()).toEqual([net1, net2].sort());
      expect(real.NetworkSettings.Networks[net1]!.Aliases).toContain('web');
      await dockerOk(direct.b, ['rm', '-f', res.body.id]);
    } finally {
      await docker(direct.b, ['network', 'rm', net1, net2]);
    }
  });
});

describe('bulk actions', () => {
  it('acts on containers of several hosts and reports each', async () => {
    const one = await runDirect('a', `c-${RUN}-bulk1`);
    const two = await runDirect('b', `c-${RUN}-bulk2`);
    const res = await post<TBulkContainerResponse>('/api/containers/bulk', {
      action: 'stop',
      t: 1,
      items: [
        { hostId: hostIds.a, id: one },
        { hostId: hostIds.b, id: two },
        { hostId: hostIds.b, id: `missing-${RUN}` },
        { hostId: 'no-such-host', id: one },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { hostId: hostIds.a, id: one, ok: true },
      { hostId: hostIds.b, id: two, ok: true },
      {
        hostId: hostIds.b,
        id: `missing-${RUN}`,
        ok: false,
        error: expect.objectContaining({ code: 'NOT_FOUND' }),
      },
      {
        hostId: 'no-such-host',
        id: one,
        ok: false,
        error: { code: 'NOT_FOUND', message: 'host not found' },
      },
    ]);
    await waitForState(hostIds.a, one, 'exited');
    await waitForState(hostIds.b, two, 'exited');
    const removed = await post<TBulkContainerResponse>('/api/containers/bulk', {
      action: 'remove',
      items: [
        { hostId: hostIds.a, id: one },
        { hostId: hostIds.b, id: two },
      ],
    });
    expect(removed.body.results.every((r) => r.ok)).toBe(true);
    const bad = await berth.api<ErrorBody>('POST', '/api/containers/bulk', {
      token,
      body: { action: 'explode', items: [] },
    });
    expect((bad.body.error.details?.issues ?? []).map((i) => i.path).sort()).toEqual([
      'action',
      'items',
    ]);
  });
});

describe('fleet summary', () => {
  it('counts hosts and containers per host and in all, as the engines do', async () => {
    const engineCounts = async (host: 'a' | 'b') => {
      const info = JSON.parse(await dockerOk(direct[host], ['info', '--format', '{{json .}}'])) as {
        ContainersRunning: number;
        ContainersPaused: number;
        ContainersStopped: number;
      };
      return {
        running: info.ContainersRunning,
        paused: info.ContainersPaused,
        stopped: info.ContainersStopped,
      };
    };
    const lines = async (host: 'a' | 'b', args: string[]) =>
      new Set((await dockerOk(direct[host], args)).split('\n').filter(Boolean)).size;
    const resourceCounts = async (host: 'a' | 'b') => ({
      images: await lines(host, ['images', '-q', '--no-trunc']),
      networks: await lines(host, ['network', 'ls', '-q', '--no-trunc']),
      volumes: await lines(host, ['volume', 'ls', '-q']),
    });
    let summary: TFleetSummary | undefined;
    // Other test files change these engines too: compare until a moment when both agree.
    await waitFor(
      async () => {
        summary = (await berth.api<TFleetSummary>('GET', '/api/fleet/summary', { token })).body;
        const [a, b, resourcesA] = await Promise.all([
          engineCounts('a'),
          engineCounts('b'),
          resourceCounts('a'),
        ]);
        const of = (id: string) => summary!.perHost.find((h) => h.hostId === id)!;
        const hostA = of(hostIds.a);
        return (
          JSON.stringify({ ...hostA.containers, total: undefined }) ===
            JSON.stringify({ ...a, total: undefined }) &&
          JSON.stringify({ ...of(hostIds.b).containers, total: undefined }) ===
            JSON.stringify({ ...b, total: undefined }) &&
          JSON.stringify({
            images: hostA.images,
            networks: hostA.networks,
            volumes: hostA.volumes,
          }) === JSON.stringify(resourcesA)
        );
      },
      10_000,
      'summary equal to the engines',
    );
    expect(summary!.hosts).toEqual({ total: 2, up: 2, down: 0 });
    const hostA = summary!.perHost.find((h) => h.hostId === hostIds.a)!;
    expect(hostA).toMatchObject({ name: 'a', status: 'up', stale: false });
    // The engine's own three networks at least, and the test image.
    expect(hostA.networks).toBeGreaterThanOrEqual(3);
    expect(hostA.images).toBeGreaterThanOrEqual(1);
    expect(summary!.containers.total).toBe(
      summary!.perHost.reduce((n, h) => n + h.containers.total, 0),
    );
  });
});

describe('a user without the right grant', () => {
  let cookie: string;
  let csrf: string;
  let strangerCookie: string;
  let visibleId: string;
  let hiddenId: string;
  const PASSWORD = 'read-only-password-1';

  async function signIn(username: string): Promise<{ cookie: string; csrf: string }> {
    const res = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    return {
      cookie: res.headers.get('set-cookie')!.split(';')[0]!,
      csrf: ((await res.json()) as TLoginResponse).csrfToken,
    };
  }

  beforeAll(async () => {
    const db = berth.server.app.get(PrismaService).db;
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(PASSWORD);
    const reader = await db.user.create({ data: { username: `reader-${RUN}`, passwordHash } });
    await db.user.create({ data: { username: `stranger-${RUN}`, passwordHash } });
    await db.grant.create({ data: { userId: reader.id, hostId: hostIds.a, role: 'read-only' } });
    ({ cookie, csrf } = await signIn(`reader-${RUN}`));
    strangerCookie = (await signIn(`stranger-${RUN}`)).cookie;
    visibleId = await runDirect('a', `c-${RUN}-visible`);
    hiddenId = await runDirect('b', `c-${RUN}-hidden`);
    // Running in the list (its start event applied), so a later 'running' shows nothing changed it.
    await waitForState(hostIds.b, hiddenId, 'running');
  });

  const as = (c: string, extra: Record<string, string> = {}) => ({
    headers: { cookie: c, ...extra },
  });

  it('lists only the hosts it has a grant on', async () => {
    const res = await list('limit=500', as(cookie));
    expect(res.status).toBe(200);
    expect(res.body.items.map((c) => c.hostId)).not.toContain(hostIds.b);
    expect(res.body.items.map((c) => c.id)).toContain(visibleId);
    const none = await list('limit=500', as(strangerCookie));
    expect(none.body).toEqual({ items: [], nextCursor: null, total: 0 });
    const summary = await berth.api<TFleetSummary>('GET', '/api/fleet/summary', as(cookie));
    expect(summary.body.perHost.map((h) => h.hostId)).toEqual([hostIds.a]);
  });

  it('may inspect but not start: 403 naming the permission, recorded as denied', async () => {
    const inspect = await berth.api(
      'GET',
      `/api/hosts/${hostIds.a}/containers/${visibleId}/json`,
      as(cookie),
    );
    expect(inspect.status).toBe(200);
    const start = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${hostIds.a}/containers/${visibleId}/stop`,
      as(cookie, { 'x-csrf-token': csrf }),
    );
    expect(start.status).toBe(403);
    expect(start.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'this needs permission container.stop on the host',
      details: { missing: 'container.stop' },
    });
    const create = await berth.api<ErrorBody>('POST', `/api/hosts/${hostIds.a}/containers`, {
      ...as(cookie, { 'x-csrf-token': csrf }),
      body: { image: IMAGE },
    });
    expect(create.status).toBe(403);
    expect(create.body.error.details).toMatchObject({ missing: 'container.create' });
    const denied = await auditRows({ action: 'container.stop', outcome: 'denied' });
    expect(denied.at(-1)).toMatchObject({ actorName: `reader-${RUN}`, hostId: hostIds.a });
  });

  it('gets 404 for a host it cannot see, as if it did not exist', async () => {
    const hidden = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${hostIds.b}/containers/${hiddenId}/stop`,
      as(cookie, { 'x-csrf-token': csrf }),
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe('host not found');
    const bulk = await berth.api<TBulkContainerResponse>('POST', '/api/containers/bulk', {
      ...as(cookie, { 'x-csrf-token': csrf }),
      body: {
        action: 'start',
        items: [
          { hostId: hostIds.b, id: hiddenId },
          { hostId: hostIds.a, id: visibleId },
        ],
      },
    });
    expect(bulk.body.results.map((r) => r.error?.code)).toEqual(['NOT_FOUND', 'FORBIDDEN']);
    expect((await stateOf(hostIds.b, hiddenId))?.state).toBe('running');
  });
});

describe('a standard user (owner-limited grant)', () => {
  const PASSWORD = 'standard-user-password';
  let headers: Record<string, string>;
  let userId: string;
  let teamId: string;
  let adminsId: string;

  beforeAll(async () => {
    const db = berth.server.app.get(PrismaService).db;
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(PASSWORD);
    const user = await db.user.create({ data: { username: `std-${RUN}`, passwordHash } });
    userId = user.id;
    teamId = (await db.team.create({ data: { name: `team-${RUN}` } })).id;
    await db.teamMember.create({ data: { teamId, userId } });
    await db.grant.create({ data: { userId, hostId: hostIds.a, role: 'standard' } });
    const login = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `std-${RUN}`, password: PASSWORD }),
    });
    headers = {
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': ((await login.json()) as TLoginResponse).csrfToken,
    };
    adminsId = await runDirect('a', `c-${RUN}-admins`);
  });

  it("creates containers stamped with its id and its one team, within the host's policy", async () => {
    const made = await berth.api<TCreateContainerResponse>(
      'POST',
      `/api/hosts/${hostIds.a}/containers`,
      {
        headers,
        body: {
          image: IMAGE,
          name: `c-${RUN}-mine`,
          cmd: ['sleep', '3600'],
          labels: { 'test.run': RUN },
        },
      },
    );
    expect(made.status).toBe(201);
    const labels = JSON.parse(
      await dockerOk(direct.a, ['inspect', '--format', '{{json .Config.Labels}}', made.body.id]),
    ) as Record<string, string>;
    expect(labels).toMatchObject({ 'berth.owner': userId, 'berth.team': teamId });
    // The default policy forbids bind mounts and the host's network for everyone but admins.
    const bind = await berth.api<ErrorBody>('POST', `/api/hosts/${hostIds.a}/containers`, {
      headers,
      body: { image: IMAGE, volumes: [{ type: 'bind', source: '/etc', target: '/host-etc' }] },
    });
    expect(bind.status).toBe(403);
    expect(bind.body.error.details?.issues?.[0]?.path).toBe('volumes.0.source');
    const hostNet = await berth.api<ErrorBody>('POST', `/api/hosts/${hostIds.a}/containers`, {
      headers,
      body: { image: IMAGE, networks: [{ name: 'host' }] },
    });
    expect(hostNet.status).toBe(403);
    expect(hostNet.body.error.details?.issues?.[0]?.path).toBe('networks.0.name');
  });

  it('mounts and joins only its own volumes and networks; a new named volume is its own', async () => {
    const theirVolume = `vol-${RUN}-admins`;
    const theirNetwork = `net-${RUN}-admins`;
    const myVolume = `vol-${RUN}-std`;
    await dockerOk(direct.a, ['volume', 'create', theirVolume]);
    await dockerOk(direct.a, ['network', 'create', theirNetwork]);
    const create = (body: Record<string, unknown>) =>
      berth.api<ErrorBody & TCreateContainerResponse>(
        'POST',
        `/api/hosts/${hostIds.a}/containers`,
        { headers, body: { image: IMAGE, cmd: ['true'], labels: { 'test.run': RUN }, ...body } },
      );
    try {
      const volume = await create({ volumes: [{ source: theirVolume, target: '/data' }] });
      expect(volume.status).toBe(400);
      expect(volume.body.error.details?.issues).toEqual([
        {
          path: 'volumes.0.source',
          message: `the name ${theirVolume} is taken by a volume you may not use`,
        },
      ]);
      const network = await create({ networks: [{ name: theirNetwork }] });
      expect(network.status).toBe(400);
      expect(network.body.error.details?.issues?.[0]?.path).toBe('networks.0.name');

      const made = await create({ volumes: [{ source: myVolume, target: '/data' }] });
      expect(made.status).toBe(201);
      const labels = JSON.parse(
        await dockerOk(direct.a, ['volume', 'inspect', '--format', '{{json .Labels}}', myVolume]),
      ) as Record<string, string>;
      expect(labels).toMatchObject({ 'berth.owner': userId, 'berth.team': teamId });
      await dockerOk(direct.a, ['rm', '-f', made.body.id]);
    } finally {
      await docker(direct.a, ['volume', 'rm', '-f', theirVolume, myVolume]);
      await docker(direct.a, ['network', 'rm', theirNetwork]);
    }
  });

  it("sees and acts on its own containers only; others' are hidden", async () => {
    await waitFor(
      async () =>
        (await list('limit=500', { headers })).body.items.some((c) => c.name === `c-${RUN}-mine`),
      5_000,
      'its container listed',
    );
    const seen = (await list('limit=500', { headers })).body.items;
    expect(seen.map((c) => c.name)).toEqual([`c-${RUN}-mine`]);
    const others = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${hostIds.a}/containers/${adminsId}/stop?t=0`,
      { headers },
    );
    expect(others.status).toBe(404);
    expect(others.body.error.message).toBe('container not found');
    const own = await berth.api(
      'POST',
      `/api/hosts/${hostIds.a}/containers/c-${RUN}-mine/stop?t=0`,
      {
        headers,
      },
    );
    expect(own.status).toBe(204);
  });
});
