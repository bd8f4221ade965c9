import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TAuditPage,
  TServiceDetail,
  TServiceListResponse,
  TServiceLogLine,
  TSwarmInfo,
  TSwarmNode,
  TSwarmTask,
} from '@berth/shared';
import { ServiceLogs } from '../src/swarm/service-logs.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost, swarmHost, swarmWorker } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import { openUserSocket } from './support/user-socket.js';

/**
 * The swarm REST API on the fleet's two-node swarm (manager e, worker f, joined over the link
 * between their namespaces): the cluster and its nodes, a service with 2 replicas on an overlay
 * network with a task on each node (one pings the other over the overlay), scaled to 3, rolled to
 * a second image one task at a time, rolled back, its merged log over REST and socket.io, the
 * worker drained so its tasks move to the manager. A read-only user sees everything but join
 * tokens and is refused every change; a host that is no manager (a, and the worker f) answers 409
 * NOT_A_SWARM_MANAGER. Everything made carries the run's name and is removed afterwards.
 */
jest.setTimeout(300_000);

const RUN = randomBytes(4).toString('hex');
const IMAGE = fleet().image;
/** A second name of the fleet's image on both nodes: what the rolling update moves to. */
const IMAGE_V2 = `local/busybox:swarm-${RUN}`;
const SERVICE = `svc-${RUN}`;
const NETWORK = `ov-${RUN}`;
const SECRET_VALUE = `s3cret-${RUN}-${randomBytes(6).toString('hex')}`;
const manager = swarmHost();
const worker = swarmWorker();
const e: CliTarget = { host: manager?.direct ?? '' };
const f: CliTarget = { host: worker?.direct ?? '' };

let berth: TestBerth;
let token: string;
let readOnly: string;
const hosts = { e: '', f: '', a: '' };
let serviceId = '';
let workerNodeId = '';

const swarmPath = (rest = '', host = hosts.e) => `/api/hosts/${host}/swarm${rest}`;
const servicePath = (rest = '', id = serviceId) => `/api/hosts/${hosts.e}/services/${id}${rest}`;

async function tasks(): Promise<TSwarmTask[]> {
  const res = await berth.api<TSwarmTask[]>('GET', servicePath('/tasks'), { token });
  expect(res.status).toBe(200);
  return res.body;
}

const running = (list: TSwarmTask[]) =>
  list.filter((t) => t.desiredState === 'running' && t.state === 'running');

async function waitRunning(count: number, what: string, image = IMAGE): Promise<TSwarmTask[]> {
  let last: TSwarmTask[] = [];
  await waitFor(
    async () => {
      last = running(await tasks());
      return last.length === count && last.every((t) => t.image === image);
    },
    90_000,
    what,
  );
  return last;
}

async function service(): Promise<TServiceDetail> {
  const res = await berth.api<TServiceDetail>('GET', servicePath(), { token });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  if (!manager || !worker) {
    throw new Error('the fleet has no two-node swarm: run scripts/fleet/fleet.sh up');
  }
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hosts.e = (await berth.addHost(token, manager.registration)).id;
  hosts.f = (await berth.addHost(token, worker.registration)).id;
  hosts.a = (await berth.addHost(token, fleetHost('a').registration)).id;
  readOnly = await grantedUserToken(berth, `ro-${RUN}`, hosts.e, 'read-only');
  for (const node of [e, f]) await dockerOk(node, ['tag', IMAGE, IMAGE_V2]);
});

afterAll(async () => {
  if (manager) {
    const left = await dockerOk(e, ['service', 'ls', '-q', '--filter', `name=${SERVICE}`]);
    if (left) await dockerOk(e, ['service', 'rm', ...left.split('\n')]);
    if (workerNodeId) {
      await dockerOk(e, ['node', 'update', '--availability', 'active', workerNodeId]);
    }
    // The overlay network goes once the service's tasks are gone from both nodes.
    await waitFor(
      async () => {
        const net = await dockerOk(e, ['network', 'ls', '-q', '--filter', `name=${NETWORK}`]);
        if (!net) return true;
        return (await dockerOk(e, ['network', 'rm', NETWORK]).catch(() => '')) !== '';
      },
      60_000,
      'the overlay network to be removed',
    ).catch(() => undefined);
    for (const node of [e, f]) await dockerOk(node, ['rmi', IMAGE_V2]).catch(() => undefined);
  }
  await berth?.stop();
});

describe('the swarm of a manager host', () => {
  it('answers the cluster with its two nodes, join tokens only to swarm.manage', async () => {
    const info = await berth.api<TSwarmInfo>('GET', swarmPath(), { token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ managers: 1, workers: 1 });
    expect(info.body.joinTokens?.worker).toMatch(/^SWMTKN-1-/);
    expect(info.body.managerAddresses).toEqual(['10.231.9.1:2377']);

    const seen = await berth.api<TSwarmInfo>('GET', swarmPath(), { token: readOnly });
    expect(seen.status).toBe(200);
    expect(seen.body.id).toBe(info.body.id);
    expect(seen.body).not.toHaveProperty('joinTokens');
    expect(JSON.stringify(seen.body)).not.toContain('SWMTKN');

    const nodes = await berth.api<TSwarmNode[]>('GET', swarmPath('/nodes'), { token: readOnly });
    expect(nodes.status).toBe(200);
    expect(
      nodes.body.map((n) => [n.hostname, n.role, n.availability, n.state, n.leader, n.self]),
    ).toEqual([
      ['berth-e', 'manager', 'active', 'ready', true, true],
      ['berth-f', 'worker', 'active', 'ready', false, false],
    ]);
    expect(nodes.body[1]!.engineVersion).toMatch(/^20\./);
    expect(nodes.body[1]!.address).toBe('10.231.9.2');
    workerNodeId = nodes.body[1]!.id;
  });

  it('rotates the worker join token; the old one no longer shows', async () => {
    const before = await berth.api<TSwarmInfo>('GET', swarmPath(), { token });
    const rotated = await berth.api<TSwarmInfo>('POST', swarmPath('/join-tokens/rotate'), {
      token,
      body: { worker: true },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.joinTokens!.worker).not.toBe(before.body.joinTokens!.worker);
    expect(rotated.body.joinTokens!.manager).toBe(before.body.joinTokens!.manager);
    expect(await dockerOk(e, ['swarm', 'join-token', '-q', 'worker'])).toBe(
      rotated.body.joinTokens!.worker,
    );
    const empty = await berth.api<ErrorBody>('POST', swarmPath('/join-tokens/rotate'), {
      token,
      body: {},
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details?.issues?.[0]?.path).toBe('worker');
  });

  it('says clearly when a host is not a manager: a plain engine, and a worker node', async () => {
    const plain = await berth.api<ErrorBody>('GET', swarmPath('', hosts.a), { token });
    expect(plain.status).toBe(409);
    expect(plain.body.error).toMatchObject({
      code: 'NOT_A_SWARM_MANAGER',
      message: 'host a is not a swarm manager: its engine is not part of a swarm',
    });
    const onWorker = await berth.api<ErrorBody>('GET', swarmPath('/nodes', hosts.f), { token });
    expect(onWorker.status).toBe(409);
    expect(onWorker.body.error.code).toBe('NOT_A_SWARM_MANAGER');
    expect(onWorker.body.error.message).toContain(
      'host f is a worker node of a swarm, not a manager',
    );
    // Its node id, so a client can link the tasks placed on it to this host.
    expect(onWorker.body.error.details).toMatchObject({
      role: 'worker',
      nodeId: (await dockerOk(f, ['info', '--format', '{{.Swarm.NodeID}}'])).trim(),
    });
    const create = await berth.api<ErrorBody>('POST', `/api/hosts/${hosts.a}/services`, {
      token,
      body: { name: SERVICE, image: IMAGE },
    });
    expect(create.status).toBe(409);
    expect(create.body.error.code).toBe('NOT_A_SWARM_MANAGER');
    const listed = await berth.api<ErrorBody>('GET', `/api/services?hostId=${hosts.a}`, { token });
    expect(listed.status).toBe(409);
  });
});

describe('a service on the two nodes', () => {
  it('refuses bad input with the field', async () => {
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hosts.e}/services`, {
      token,
      body: {
        name: '-bad',
        image: IMAGE,
        mode: 'global',
        replicas: 2,
        ports: [{ target: 70000 }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues?.map((i) => i.path).sort()).toEqual([
      'name',
      'ports.0.target',
      'replicas',
    ]);
    const noNetwork = await berth.api<ErrorBody>('POST', `/api/hosts/${hosts.e}/services`, {
      token,
      body: { name: SERVICE, image: IMAGE, networks: [`missing-${RUN}`] },
    });
    expect(noNetwork.status).toBe(400);
    expect(noNetwork.body.error.details?.issues?.[0]?.path).toBe('networks.0');
  });

  it('creates 2 replicas on an overlay network with a task on each node', async () => {
    const net = await berth.api('POST', `/api/hosts/${hosts.e}/networks`, {
      token,
      body: { name: NETWORK, driver: 'overlay', attachable: true },
    });
    expect(net.status).toBe(201);
    const created = await berth.api<{ id: string }>('POST', `/api/hosts/${hosts.e}/services`, {
      token,
      body: {
        name: SERVICE,
        image: IMAGE,
        // Ends on SIGTERM at once (a bare `sleep` as PID 1 would wait out the 10 s stop timeout).
        command: ['sh', '-c', `trap 'exit 0' TERM; echo up-${RUN}; while true; do sleep 1; done`],
        replicas: 2,
        networks: [NETWORK],
        env: [
          { name: 'PLAIN', value: 'visible' },
          { name: 'TOKEN', value: SECRET_VALUE, secret: true },
        ],
        updateConfig: { parallelism: 1, delaySeconds: 1, monitorSeconds: 1 },
        labels: { 'test.run': RUN },
      },
    });
    expect(created.status).toBe(201);
    serviceId = created.body.id;

    const placed = await waitRunning(2, 'two running tasks');
    expect(new Set(placed.map((t) => t.nodeHostname))).toEqual(new Set(['berth-e', 'berth-f']));
    expect(placed.map((t) => t.slot).sort()).toEqual([1, 2]);
    expect(placed.every((t) => t.containerId && t.error === null)).toBe(true);

    // The overlay is real across the namespaces: the task on e reaches the one on f.
    const onF = placed.find((t) => t.nodeHostname === 'berth-f')!;
    const onE = placed.find((t) => t.nodeHostname === 'berth-e')!;
    const address = await dockerOk(f, [
      'inspect',
      '-f',
      `{{(index .NetworkSettings.Networks "${NETWORK}").IPAddress}}`,
      onF.containerId!,
    ]);
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await dockerOk(e, ['exec', onE.containerId!, 'ping', '-c', '1', '-W', '5', address]);

    const detail = await service();
    expect(detail).toMatchObject({
      name: SERVICE,
      mode: 'replicated',
      replicas: { running: 2, desired: 2 },
      image: IMAGE,
    });
    expect(detail.env).toEqual([
      { name: 'PLAIN', value: 'visible', secret: false },
      { name: 'TOKEN', value: '********', secret: true },
    ]);
    expect(detail.networks.map((n) => n.name)).toEqual([NETWORK]);
    expect(JSON.stringify(detail)).not.toContain(SECRET_VALUE);

    const list = await berth.api<TServiceListResponse>('GET', '/api/services', { token });
    expect(list.status).toBe(200);
    expect(list.body.items.find((s) => s.id === serviceId)).toMatchObject({
      hostId: hosts.e,
      name: SERVICE,
      image: IMAGE,
      mode: 'replicated',
      replicas: { running: 2, desired: 2 },
    });
    // e and f are the same swarm; only the manager lists it, and host a has none.
    expect(list.body.items.filter((s) => s.id === serviceId)).toHaveLength(1);
  });

  it('merges the log of both tasks over REST and follows it over socket.io', async () => {
    const res = await berth.api<{ lines: TServiceLogLine[] }>('GET', servicePath('/logs?tail=10'), {
      token: readOnly,
    });
    expect(res.status).toBe(200);
    const ups = res.body.lines.filter((l) => l.text === `up-${RUN}`);
    expect(ups).toHaveLength(2);
    expect(new Set(ups.map((l) => l.nodeId)).size).toBe(2);
    expect(ups.map((l) => l.slot).sort()).toEqual([1, 2]);

    // Two viewers with the same options share one engine stream.
    const hub = berth.server.app.get(ServiceLogs).hub;
    const before = hub.upstreams;
    const sockets = await Promise.all([token, readOnly].map((t) => openUserSocket(berth.url, t)));
    try {
      const seen = sockets.map((socket) => {
        const lines: TServiceLogLine[] = [];
        socket.on('service-logs.lines', (event: { lines: TServiceLogLine[] }) =>
          lines.push(...event.lines),
        );
        return lines;
      });
      for (const socket of sockets) {
        const ack: unknown = await socket.emitWithAck('service-logs.subscribe', {
          hostId: hosts.e,
          serviceId,
          tail: 5,
        });
        expect(ack).toMatchObject({ ok: true });
      }
      expect(hub.upstreams).toBe(before + 1);
      // Each gets both tasks' lines, the second from the shared stream's kept lines.
      for (const lines of seen) {
        await waitFor(
          () => Promise.resolve(lines.filter((l) => l.text === `up-${RUN}`).length === 2),
          20_000,
          'the live log',
        );
      }
      expect(seen[1]!.map((l) => l.text)).toEqual(seen[0]!.map((l) => l.text));
      expect(seen[0]!.filter((l) => l.time !== undefined)).toEqual([]);
    } finally {
      sockets.forEach((socket) => socket.disconnect());
    }
    await waitFor(() => Promise.resolve(hub.upstreams === before), 5_000, 'the stream to close');
  });

  it('scales to 3', async () => {
    const res = await berth.api('POST', servicePath('/scale'), { token, body: { replicas: 3 } });
    expect(res.status).toBe(200);
    const placed = await waitRunning(3, 'three running tasks');
    expect(placed.map((t) => t.slot).sort()).toEqual([1, 2, 3]);
  });

  it('rolls to a new image one task at a time, then back', async () => {
    const res = await berth.api('POST', servicePath('/update'), {
      token,
      body: {
        image: IMAGE_V2,
        updateConfig: { parallelism: 1, delaySeconds: 1, monitorSeconds: 1 },
      },
    });
    expect(res.status).toBe(200);
    const states = new Set<string>();
    await waitFor(
      async () => {
        const detail = await service();
        if (detail.updateStatus) states.add(detail.updateStatus.state);
        return detail.updateStatus?.state === 'completed';
      },
      120_000,
      'the rolling update to complete',
    );
    expect(states).toContain('updating');
    await waitRunning(3, 'three tasks on the new image', IMAGE_V2);

    // One at a time: each new task was created only once the one before it was running.
    const fresh = (await tasks())
      .filter((t) => t.image === IMAGE_V2 && t.desiredState === 'running')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    expect(fresh).toHaveLength(3);
    expect(new Set(fresh.map((t) => t.slot)).size).toBe(3);
    for (let i = 1; i < fresh.length; i++) {
      expect(fresh[i]!.createdAt >= fresh[i - 1]!.updatedAt).toBe(true);
    }
    // Every replaced task is shut down, not failed.
    const old = (await tasks()).filter((t) => t.image === IMAGE);
    expect(old.length).toBeGreaterThanOrEqual(3);
    expect(old.every((t) => t.desiredState === 'shutdown')).toBe(true);

    const back = await berth.api('POST', servicePath('/rollback'), { token });
    expect(back.status).toBe(200);
    await waitRunning(3, 'three tasks back on the first image', IMAGE);
    await waitFor(
      async () => (await service()).updateStatus?.state === 'rollback_completed',
      120_000,
      'the rollback to complete',
    );
    expect((await service()).image).toBe(IMAGE);
  });

  it('redeploys unchanged with force', async () => {
    const before = new Set(running(await tasks()).map((t) => t.id));
    const res = await berth.api('POST', servicePath('/update'), { token, body: { force: true } });
    expect(res.status).toBe(200);
    await waitFor(
      async () => {
        const now = running(await tasks());
        return now.length === 3 && now.every((t) => !before.has(t.id));
      },
      120_000,
      'every task replaced',
    );
  });

  it('moves the tasks off a drained worker to the manager', async () => {
    const drained = await berth.api<TSwarmNode>('PATCH', swarmPath(`/nodes/${workerNodeId}`), {
      token,
      body: { availability: 'drain', labels: { zone: RUN } },
    });
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({ availability: 'drain', labels: { zone: RUN } });
    const moved = await waitRunning(3, 'every task on the manager');
    await waitFor(
      async () => running(await tasks()).every((t) => t.nodeHostname === 'berth-e'),
      90_000,
      'no running task left on the worker',
    );
    expect(moved).toHaveLength(3);
    const onWorker = await berth.api<TSwarmTask[]>(
      'GET',
      swarmPath(`/nodes/${workerNodeId}/tasks`),
      { token },
    );
    expect(onWorker.status).toBe(200);
    expect(
      onWorker.body.filter((t) => t.serviceId === serviceId && t.desiredState === 'running'),
    ).toEqual([]);

    const active = await berth.api<TSwarmNode>('PATCH', swarmPath(`/nodes/${workerNodeId}`), {
      token,
      body: { availability: 'active', labels: {} },
    });
    expect(active.body).toMatchObject({ availability: 'active', labels: {} });
    const up = await berth.api<ErrorBody>('DELETE', swarmPath(`/nodes/${workerNodeId}`), { token });
    expect(up.status).toBe(409);
    expect(up.body.error.message).toContain('is ready, not down');
  });
});

describe('a read-only user', () => {
  it('sees the services and tasks but every change answers 403', async () => {
    expect((await berth.api('GET', servicePath(), { token: readOnly })).status).toBe(200);
    expect((await berth.api('GET', servicePath('/tasks'), { token: readOnly })).status).toBe(200);
    const list = await berth.api<TServiceListResponse>('GET', '/api/services', {
      token: readOnly,
    });
    expect(list.body.items.map((s) => s.id)).toContain(serviceId);

    const changes: [string, string, unknown?][] = [
      ['POST', swarmPath('/join-tokens/rotate'), { worker: true }],
      ['PATCH', swarmPath(`/nodes/${workerNodeId}`), { availability: 'drain' }],
      ['DELETE', swarmPath(`/nodes/${workerNodeId}`)],
      ['POST', `/api/hosts/${hosts.e}/services`, { name: `ro-${RUN}`, image: IMAGE }],
      ['POST', servicePath('/scale'), { replicas: 1 }],
      ['POST', servicePath('/update'), { force: true }],
      ['POST', servicePath('/rollback')],
      ['DELETE', servicePath()],
    ];
    for (const [method, path, body] of changes) {
      const res = await berth.api<ErrorBody>(method, path, {
        token: readOnly,
        ...(body ? { body } : {}),
      });
      expect({ method, path, status: res.status, code: res.body.error.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(running(await tasks())).toHaveLength(3);
  });
});

describe('removing the service', () => {
  it('removes it and its tasks, and audits every change without the secret value', async () => {
    const res = await berth.api('DELETE', servicePath(), { token });
    expect(res.status).toBe(204);
    await waitFor(
      async () =>
        (await dockerOk(e, ['service', 'ls', '-q', '--filter', `name=${SERVICE}`])) === '',
      30_000,
      'the service to go',
    );
    expect((await berth.api('GET', servicePath(), { token })).status).toBe(404);

    const audit = await berth.api<TAuditPage>('GET', `/api/audit?limit=500&hostId=${hosts.e}`, {
      token,
    });
    const actions = audit.body.items.map((r) => `${r.action} ${r.outcome}`);
    for (const action of [
      'swarm.rotate_tokens success',
      'swarm.rotate_tokens denied',
      'swarm.node_update success',
      'swarm.node_update denied',
      'swarm.node_remove failure',
      'service.create success',
      'service.create failure',
      'service.create denied',
      'service.scale success',
      'service.update success',
      'service.rollback success',
      'service.remove success',
      'service.remove denied',
    ]) {
      expect(actions).toContain(action);
    }
    const text = JSON.stringify(audit.body);
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain('SWMTKN');
  });
});
