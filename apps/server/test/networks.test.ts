import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  BERTH_LABELS,
  type ErrorBody,
  type TCreateNetworkInput,
  type TCreateNetworkResponse,
  type TNetworkDetail,
  type TPruneResponse,
} from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { type ApiAnswer, TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost, swarmHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';

/**
 * The network REST API against hosts a and b of the real test fleet: create (bridge, macvlan on a
 * veth link made in host b's namespace, ipvlan, overlay refused off a swarm manager), inspect,
 * connect and disconnect with aliases and a static address, remove, prune; field errors for bad
 * input and for what the engine would refuse; the built-in networks; a read-only user's 403s and
 * a standard user's ownership. Everything made carries the run's name and is removed afterwards.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
/** A /16 of 10.0.0.0/8 of this run's own: other test files use the engines' default pools. */
const NET = `10.${randomInt(64, 250)}`;
const direct: Record<'a' | 'b', CliTarget> = {
  a: { host: fleetHost('a').direct },
  b: { host: fleetHost('b').direct },
};
/** The veth pair made in host b's network namespace as a macvlan parent (no dummy links here). */
const VETH = { parent: `bv${RUN.slice(0, 6)}`, peer: `bp${RUN.slice(0, 6)}` };

let berth: TestBerth;
let token: string;
const hostIds: Record<'a' | 'b', string> = { a: '', b: '' };

function inNamespace(host: 'a' | 'b', ...args: string[]): Promise<unknown> {
  return promisify(execFile)('nsenter', [`--net=/var/run/netns/berth-${host}`, ...args]);
}

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostIds.a = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostIds.b = (await berth.addHost(token, fleetHost('b').registration)).id;
  await inNamespace(
    'b',
    'ip',
    'link',
    'add',
    VETH.parent,
    'type',
    'veth',
    'peer',
    'name',
    VETH.peer,
  );
  await inNamespace('b', 'ip', 'link', 'set', VETH.parent, 'up');
  await inNamespace('b', 'ip', 'link', 'set', VETH.peer, 'up');
});

afterAll(async () => {
  for (const target of Object.values(direct)) {
    const containers = (await docker(target, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (containers.length > 0) await docker(target, ['rm', '-f', ...containers]);
    const networks = (
      await docker(target, ['network', 'ls', '-q', '--filter', `name=n-${RUN}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (networks.length > 0) await docker(target, ['network', 'rm', ...networks]);
  }
  await inNamespace('b', 'ip', 'link', 'del', VETH.parent).catch(() => undefined);
  await berth?.stop();
});

function create(
  host: 'a' | 'b',
  body: TCreateNetworkInput,
  auth: { token?: string } = { token },
): Promise<ApiAnswer<TCreateNetworkResponse & ErrorBody>> {
  return berth.api('POST', `/api/hosts/${hostIds[host]}/networks`, { ...auth, body });
}

function inspect(host: 'a' | 'b', id: string, auth: { token?: string } = { token }) {
  return berth.api<TNetworkDetail & ErrorBody>(
    'GET',
    `/api/hosts/${hostIds[host]}/networks/${id}`,
    auth,
  );
}

/** The names of this run's networks on an engine, asked of the engine itself. */
async function networksOnEngine(host: 'a' | 'b'): Promise<string[]> {
  const out = await dockerOk(direct[host], [
    'network',
    'ls',
    '--filter',
    `name=n-${RUN}`,
    '--format',
    '{{.Name}}',
  ]);
  return out.split('\n').filter(Boolean).sort();
}

async function auditRows(where: Record<string, unknown>) {
  return berth.server.app
    .get(PrismaService)
    .db.auditEvent.findMany({ where, orderBy: { id: 'asc' } });
}

function issuesOf(answer: ApiAnswer<ErrorBody>): { path: string; message: string }[] {
  return answer.body.error.details?.issues ?? [];
}

describe('a bridge network', () => {
  const name = `n-${RUN}-bridge`;
  let id: string;

  it('is created with its subnet, gateway, IP range, options and labels (201 {id, name})', async () => {
    const res = await create('a', {
      name,
      driver: 'bridge',
      subnet: `${NET}.1.0/24`,
      gateway: `${NET}.1.1`,
      ipRange: `${NET}.1.128/25`,
      options: { 'com.docker.network.bridge.enable_icc': 'false' },
      labels: { tier: 'web', 'test.run': RUN },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name });
    id = res.body.id;
    const [engine] = JSON.parse(await dockerOk(direct.a, ['network', 'inspect', id])) as {
      IPAM: { Config: unknown[] };
      Labels: Record<string, string>;
    }[];
    expect(engine!.IPAM.Config).toEqual([
      { Subnet: `${NET}.1.0/24`, Gateway: `${NET}.1.1`, IPRange: `${NET}.1.128/25` },
    ]);
    expect(engine!.Labels).toMatchObject({ tier: 'web', [BERTH_LABELS.owner]: expect.any(String) });
    const [record] = await auditRows({ action: 'network.create', target: name });
    expect(record).toMatchObject({ outcome: 'success', hostId: hostIds.a });
  });

  it('is inspected with its IPAM, options and the containers on it with their addresses', async () => {
    const container = await dockerOk(direct.a, [
      'run',
      '-d',
      '--label',
      LABEL,
      '--network',
      name,
      '--ip',
      `${NET}.1.200`,
      IMAGE,
      'sleep',
      '3600',
    ]);
    const res = await inspect('a', name);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      name,
      driver: 'bridge',
      scope: 'local',
      builtIn: false,
      internal: false,
      options: { 'com.docker.network.bridge.enable_icc': 'false' },
      ipam: {
        driver: 'default',
        config: [{ subnet: `${NET}.1.0/24`, gateway: `${NET}.1.1`, ipRange: `${NET}.1.128/25` }],
      },
    });
    expect(res.body.containers).toEqual([
      expect.objectContaining({ id: container, ipv4Address: `${NET}.1.200/24` }),
    ]);
  });

  it('refuses an overlapping subnet at the subnet field and makes nothing', async () => {
    const res = await create('a', { name: `n-${RUN}-overlap`, subnet: `${NET}.1.64/26` });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      { path: 'subnet', message: `overlaps ${NET}.1.0/24 of network ${name}` },
    ]);
    expect(await networksOnEngine('a')).toEqual([name]);
  });

  it('refuses a name already taken at the name field (409)', async () => {
    const res = await create('a', { name });
    expect(res.status).toBe(409);
    expect(issuesOf(res)).toEqual([
      { path: 'name', message: 'already used by another network on this host' },
    ]);
  });

  it('connects a container with an alias and a static address, then disconnects it', async () => {
    const other = `c-${RUN}-joiner`;
    await dockerOk(direct.a, [
      'run',
      '-d',
      '--name',
      other,
      '--label',
      LABEL,
      IMAGE,
      'sleep',
      '3600',
    ]);
    const connect = await berth.api('POST', `/api/hosts/${hostIds.a}/networks/${id}/connect`, {
      token,
      body: { container: other, aliases: ['api', 'api.internal'], ipv4Address: `${NET}.1.201` },
    });
    expect(connect.status).toBe(204);
    const networks = JSON.parse(
      await dockerOk(direct.a, [
        'inspect',
        '--format',
        `{{json .NetworkSettings.Networks}}`,
        other,
      ]),
    ) as Record<string, { IPAddress: string; Aliases: string[] }>;
    const settings = networks[name]!;
    expect(settings.IPAddress).toBe(`${NET}.1.201`);
    expect(settings.Aliases).toEqual(expect.arrayContaining(['api', 'api.internal']));
    const disconnect = await berth.api(
      'POST',
      `/api/hosts/${hostIds.a}/networks/${id}/disconnect`,
      { token, body: { container: other } },
    );
    expect(disconnect.status).toBe(204);
    expect((await inspect('a', id)).body.containers.map((c) => c.name)).not.toContain(other);
    const rows = await auditRows({ action: { in: ['network.connect', 'network.disconnect'] } });
    expect(rows.map((r) => [r.action, r.target, r.outcome])).toEqual([
      ['network.connect', name, 'success'],
      ['network.disconnect', name, 'success'],
    ]);
  });

  it('refuses a static address outside the subnet at the ipv4Address field', async () => {
    const res = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${hostIds.a}/networks/${id}/connect`,
      { token, body: { container: `c-${RUN}-joiner`, ipv4Address: '192.0.2.10' } },
    );
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      {
        path: 'ipv4Address',
        message: expect.stringMatching(/^the engine refused it: .*192\.0\.2\.10/),
      },
    ]);
  });

  it('is removed by id, and then is gone from the engine', async () => {
    await docker(direct.a, ['rm', '-f', ...(await labelled('a'))]);
    const res = await berth.api('DELETE', `/api/hosts/${hostIds.a}/networks/${id}`, { token });
    expect(res.status).toBe(204);
    expect(await networksOnEngine('a')).toEqual([]);
    const missing = await inspect('a', id);
    expect(missing.status).toBe(404);
  });
});

async function labelled(host: 'a' | 'b'): Promise<string[]> {
  const out = await dockerOk(direct[host], ['ps', '-aq', '--filter', `label=${LABEL}`]);
  return out.split('\n').filter(Boolean);
}

describe('bad input names its field before the engine is asked', () => {
  const cases: [string, TCreateNetworkInput, string, RegExp][] = [
    [
      'a gateway outside the subnet',
      { name: `n-${RUN}-gw`, subnet: `${NET}.9.0/24`, gateway: `${NET}.10.1` },
      'gateway',
      /outside the subnet/,
    ],
    ['macvlan without a parent', { name: `n-${RUN}-mv`, driver: 'macvlan' }, 'parent', /parent/],
    [
      'an IP range outside the subnet',
      { name: `n-${RUN}-rng`, subnet: `${NET}.9.0/24`, ipRange: `${NET}.8.0/25` },
      'ipRange',
      /outside the subnet/,
    ],
    ['a built-in name', { name: 'host' }, 'name', /every engine has/],
    ['a subnet that is no CIDR', { name: `n-${RUN}-cidr`, subnet: '10.1.2.3' }, 'subnet', /CIDR/],
    [
      'a mode the driver does not have',
      { name: `n-${RUN}-mode`, driver: 'macvlan', parent: 'eth0', mode: 'l3' },
      'mode',
      /bridge, vepa, private, passthru/,
    ],
  ];

  it.each(cases)('%s', async (_what, body, field, message) => {
    const res = await create('a', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(issuesOf(res)).toEqual([{ path: field, message: expect.stringMatching(message) }]);
  });

  it('an overlay network on a host that is no swarm manager, at the driver field', async () => {
    const res = await create('a', { name: `n-${RUN}-ovl`, driver: 'overlay', attachable: true });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      { path: 'driver', message: expect.stringMatching(/needs a swarm manager; host a is not/) },
    ]);
  });

  it('leaves nothing on the engine', async () => {
    expect(await networksOnEngine('a')).toEqual([]);
  });
});

describe('macvlan and ipvlan on a veth link of host b', () => {
  it('creates a macvlan network on the parent, a container joins it with a static address', async () => {
    const name = `n-${RUN}-macvlan`;
    const res = await create('b', {
      name,
      driver: 'macvlan',
      parent: VETH.parent,
      mode: 'bridge',
      subnet: `${NET}.20.0/24`,
      gateway: `${NET}.20.1`,
    });
    expect(res.status).toBe(201);
    const joiner = `c-${RUN}-mv`;
    await dockerOk(direct.b, [
      'create',
      '--name',
      joiner,
      '--label',
      LABEL,
      IMAGE,
      'sleep',
      '3600',
    ]);
    const connect = await berth.api(
      'POST',
      `/api/hosts/${hostIds.b}/networks/${res.body.id}/connect`,
      { token, body: { container: joiner, ipv4Address: `${NET}.20.9` } },
    );
    expect(connect.status).toBe(204);
    await dockerOk(direct.b, ['start', joiner]);
    const detail = await inspect('b', name);
    expect(detail.body).toMatchObject({
      driver: 'macvlan',
      options: { parent: VETH.parent, macvlan_mode: 'bridge' },
    });
    expect(detail.body.containers).toEqual([
      expect.objectContaining({ name: joiner, ipv4Address: `${NET}.20.9/24` }),
    ]);
    await dockerOk(direct.b, ['rm', '-f', joiner]);
    expect(
      (await berth.api('DELETE', `/api/hosts/${hostIds.b}/networks/${name}`, { token })).status,
    ).toBe(204);
  });

  it('maps the engine refusing an unknown parent to the parent field and makes nothing', async () => {
    const res = await create('b', {
      name: `n-${RUN}-noparent`,
      driver: 'macvlan',
      parent: 'nosuchlink0',
      subnet: `${NET}.21.0/24`,
    });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      { path: 'parent', message: expect.stringMatching(/the engine refused it: .*nosuchlink0/) },
    ]);
    expect(await networksOnEngine('b')).toEqual([]);
  });

  it('creates an ipvlan network; the kernel refusing its port is shown as the engine said it', async () => {
    const name = `n-${RUN}-ipvlan`;
    const res = await create('b', {
      name,
      driver: 'ipvlan',
      parent: VETH.parent,
      mode: 'l2',
      subnet: `${NET}.22.0/24`,
    });
    expect(res.status).toBe(201);
    const joiner = `c-${RUN}-iv`;
    await dockerOk(direct.b, [
      'run',
      '-d',
      '--name',
      joiner,
      '--label',
      LABEL,
      IMAGE,
      'sleep',
      '3600',
    ]);
    const connect = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${hostIds.b}/networks/${res.body.id}/connect`,
      { token, body: { container: joiner } },
    );
    expect(connect.status).toBe(502);
    expect(connect.body.error).toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringMatching(/ipvlan.*operation not supported/),
    });
    await dockerOk(direct.b, ['rm', '-f', joiner]);
    expect(
      (await berth.api('DELETE', `/api/hosts/${hostIds.b}/networks/${name}`, { token })).status,
    ).toBe(204);
  });
});

describe('an overlay network on the swarm manager (host e)', () => {
  const swarm = swarmHost();
  const name = `n-${RUN}-overlay`;

  it('is created attachable with its subnet, a container joins it, and it is removed', async () => {
    if (!swarm) throw new Error('the fleet has no swarm manager: run scripts/fleet/fleet.sh up');
    const target: CliTarget = { host: swarm.direct };
    const hostE = (await berth.addHost(token, swarm.registration)).id;
    const res = await berth.api<TCreateNetworkResponse & ErrorBody>(
      'POST',
      `/api/hosts/${hostE}/networks`,
      {
        token,
        body: { name, driver: 'overlay', attachable: true, subnet: `${NET}.40.0/24` },
      },
    );
    expect(res.status).toBe(201);
    try {
      const container = await dockerOk(target, [
        'run',
        '-d',
        '--label',
        LABEL,
        '--network',
        name,
        IMAGE,
        'sleep',
        '3600',
      ]);
      const detail = await berth.api<TNetworkDetail>(
        'GET',
        `/api/hosts/${hostE}/networks/${res.body.id}`,
        { token },
      );
      expect(detail.body).toMatchObject({
        name,
        driver: 'overlay',
        scope: 'swarm',
        attachable: true,
        ipam: { config: [expect.objectContaining({ subnet: `${NET}.40.0/24` })] },
      });
      expect(detail.body.containers.map((c) => c.id)).toEqual([container]);
      await dockerOk(target, ['rm', '-f', container]);
      const removed = await berth.api('DELETE', `/api/hosts/${hostE}/networks/${res.body.id}`, {
        token,
      });
      expect(removed.status).toBe(204);
    } finally {
      const ours = await dockerOk(target, ['ps', '-aq', '--filter', `label=${LABEL}`]);
      if (ours) await docker(target, ['rm', '-f', ...ours.split('\n')]);
      await docker(target, ['network', 'rm', name]);
    }
    // The swarm removes an overlay network from the manager's own list a moment after the 204.
    await waitFor(
      async () =>
        (await dockerOk(target, ['network', 'ls', '-q', '--filter', `name=${name}`])) === '',
      15_000,
      `${name} gone from the manager's network list`,
    );
  });
});

describe('the built-in networks', () => {
  it('are inspected as built in, and cannot be removed', async () => {
    for (const name of ['bridge', 'host', 'none']) {
      const res = await inspect('a', name);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name, builtIn: true });
      const remove = await berth.api<ErrorBody>(
        'DELETE',
        `/api/hosts/${hostIds.a}/networks/${name}`,
        { token },
      );
      expect(remove.status).toBe(409);
      expect(remove.body.error.message).toBe(
        `${name} is built into the engine and cannot be removed`,
      );
    }
  });
});

describe('prune', () => {
  it('removes the networks no container uses and names them', async () => {
    const unused = `n-${RUN}-unused`;
    const used = `n-${RUN}-used`;
    await dockerOk(direct.a, ['network', 'create', '--label', LABEL, unused]);
    await dockerOk(direct.a, ['network', 'create', '--label', LABEL, used]);
    await dockerOk(direct.a, [
      'run',
      '-d',
      '--label',
      LABEL,
      '--network',
      used,
      IMAGE,
      'sleep',
      '3600',
    ]);
    const res = await berth.api<TPruneResponse>(
      'POST',
      `/api/hosts/${hostIds.a}/networks/prune?label=${LABEL}`,
      {
        token,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.removed).toContain(unused);
    expect(res.body.removed).not.toContain(used);
    expect(await networksOnEngine('a')).toEqual([used]);
    await docker(direct.a, ['rm', '-f', ...(await labelled('a'))]);
    await dockerOk(direct.a, ['network', 'rm', used]);
  });
});

describe('users with limited grants', () => {
  let reader: string;
  let standard: string;
  let strangerNetwork: string;

  beforeAll(async () => {
    reader = await grantedUserToken(berth, `reader-${RUN}`, hostIds.a, 'read-only');
    standard = await grantedUserToken(berth, `standard-${RUN}`, hostIds.a, 'standard');
    strangerNetwork = `n-${RUN}-stranger`;
    await dockerOk(direct.a, ['network', 'create', '--label', LABEL, strangerNetwork]);
  });

  it('a read-only user may inspect but gets 403 naming the permission on every change', async () => {
    expect((await inspect('a', strangerNetwork, { token: reader })).status).toBe(200);
    const base = `/api/hosts/${hostIds.a}/networks`;
    const changes: [string, string, unknown, string][] = [
      ['POST', base, { name: `n-${RUN}-ro` }, 'network.create'],
      ['DELETE', `${base}/${strangerNetwork}`, undefined, 'network.delete'],
      ['POST', `${base}/prune`, undefined, 'network.delete'],
      ['POST', `${base}/${strangerNetwork}/connect`, { container: 'x' }, 'network.connect'],
      ['POST', `${base}/${strangerNetwork}/disconnect`, { container: 'x' }, 'network.connect'],
    ];
    for (const [method, path, body, missing] of changes) {
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
    expect(await networksOnEngine('a')).toEqual([strangerNetwork]);
    const denied = await auditRows({
      actorName: { startsWith: `reader-${RUN} ` },
      outcome: 'denied',
    });
    expect(denied.map((r) => r.action).sort()).toEqual([
      'network.connect',
      'network.create',
      'network.disconnect',
      'network.prune',
      'network.remove',
    ]);
  });

  it('a standard user makes networks of their own, and does not see anyone else’s', async () => {
    const mine = `n-${RUN}-mine`;
    const res = await create('a', { name: mine }, { token: standard });
    expect(res.status).toBe(201);
    expect((await inspect('a', mine, { token: standard })).body.labels[BERTH_LABELS.owner]).toEqual(
      expect.any(String),
    );
    expect((await inspect('a', strangerNetwork, { token: standard })).status).toBe(404);
    const remove = await berth.api(
      'DELETE',
      `/api/hosts/${hostIds.a}/networks/${strangerNetwork}`,
      { token: standard },
    );
    expect(remove.status).toBe(404);
    const prune = await berth.api<TPruneResponse>(
      'POST',
      `/api/hosts/${hostIds.a}/networks/prune`,
      { token: standard },
    );
    expect(prune.body.removed).toEqual([mine]);
    expect(await networksOnEngine('a')).toEqual([strangerNetwork]);
    await dockerOk(direct.a, ['network', 'rm', strangerNetwork]);
  });
});
