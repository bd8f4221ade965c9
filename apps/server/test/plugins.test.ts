import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TPlugin,
  TPluginDetail,
  TPluginPrivilegesResponse,
  TPullProgress,
} from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';

/**
 * Managed plugins through the REST API on the real fleet, with the project's own volume driver
 * (scripts/test-plugin: a static C program answering the volume plugin protocol) published to the
 * password-protected test registry: privileges shown first, install with exactly those accepted
 * and the registry login stored in Berth (the client never sends it), progress over socket.io, a
 * volume made with its driver and used by a container, settings, upgrade, disable and remove, each
 * audited. Refusals leave nothing on the engine: wrong privileges, an unknown reference, a setting
 * the plugin does not have. A read-only user gets 403 on every change. Everything is named with the
 * run's id and removed afterwards.
 */
jest.setTimeout(180_000);

const RUN = randomBytes(4).toString('hex');
const f = fleet();
const REPO = `${f.registry.address}/berth-test/volume-plugin`;
const ALIAS = `berth-vol-${RUN}`;
const NAME = `${ALIAS}:latest`;
const b: CliTarget = { host: fleetHost('b').direct };
const PUBLISH = fileURLToPath(new URL('../../../scripts/test-plugin/publish.sh', import.meta.url));
const NETWORK_HOST = {
  name: 'network',
  description: 'permissions to access a network',
  value: ['host'],
};

let berth: TestBerth;
let token: string;
let hostId: string;
const sockets: Socket[] = [];

const base = () => `/api/hosts/${hostId}`;
const api = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  berth.api<T>(method, path, {
    token,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });

/** Plugin names on host b as the engine itself lists them. */
async function enginePlugins(): Promise<string[]> {
  return (await dockerOk(b, ['plugin', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean);
}

const auditOf = (action: string) =>
  berth.server.app
    .get(PrismaService)
    .db.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });

async function progressSocket(): Promise<TPullProgress[]> {
  const socket = io(berth.url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { authorization: `Bearer ${token}` },
  });
  sockets.push(socket);
  const seen: TPullProgress[] = [];
  socket.on('plugin.pull', (p: TPullProgress) => seen.push(p));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return seen;
}

beforeAll(async () => {
  await promisify(execFile)('bash', [PUBLISH], { timeout: 120_000 });
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('b').registration)).id;
  const stored = await berth.api('POST', '/api/registries', {
    token,
    body: {
      name: `fleet-${RUN}`,
      serverAddress: f.registry.address,
      username: f.registry.username,
      password: f.registry.password,
    },
  });
  expect(stored.status).toBe(201);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await docker(b, ['rm', '-f', `c-${RUN}`]);
  await docker(b, ['volume', 'rm', '-f', `v-${RUN}`]);
  for (const name of await enginePlugins()) {
    if (name.startsWith(ALIAS)) await docker(b, ['plugin', 'rm', '-f', name]);
  }
  await berth?.stop();
});

describe('installing from the password registry', () => {
  it('shows the privileges the plugin asks for, with the stored login', async () => {
    const res = await api<TPluginPrivilegesResponse>(
      'GET',
      `${base()}/plugin-privileges?remote=${encodeURIComponent(`${REPO}:2.0`)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ remote: `${REPO}:2.0`, privileges: [NETWORK_HOST] });
  });

  it('refuses privileges other than those asked for, on the privileges field, pulling nothing', async () => {
    const res = await api<ErrorBody>('POST', `${base()}/plugins`, {
      remote: `${REPO}:2.0`,
      alias: ALIAS,
      privileges: [],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues).toEqual([
      { path: 'privileges', message: expect.stringContaining('network: host') },
    ]);
    expect(await enginePlugins()).not.toContain(NAME);
  });

  it('names the remote field for a plugin the registry does not have, leaving nothing', async () => {
    const res = await api<ErrorBody>('POST', `${base()}/plugins`, {
      remote: `${f.registry.address}/berth-test/no-such-plugin-${RUN}:2.0`,
      alias: ALIAS,
      privileges: [],
    });
    expect(res.status).toBe(400);
    const issues = res.body.error.details?.issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path)).toEqual(['remote']);
    expect(issues[0]!.message).toContain(`no-such-plugin-${RUN}`);
    expect(await enginePlugins()).not.toContain(NAME);
    const failed = (await auditOf('plugin.install')).filter((e) => e.target === ALIAS);
    expect(failed.at(-1)?.outcome).toBe('failure');
  });

  it('removes a pulled plugin again when a setting fails, naming the settings field', async () => {
    const res = await api<ErrorBody>('POST', `${base()}/plugins`, {
      remote: `${REPO}:2.0`,
      alias: ALIAS,
      privileges: [NETWORK_HOST],
      settings: ['NOT_A_SETTING=1'],
    });
    expect(res.status).toBe(400);
    expect((res.body.error.details?.issues as { path: string }[]).map((i) => i.path)).toEqual([
      'settings',
    ]);
    expect(await enginePlugins()).not.toContain(NAME);
  });

  it('installs with the accepted privileges and a setting, enabled, with progress', async () => {
    const seen = await progressSocket();
    const requestId = `plugin-${randomUUID()}`;
    const res = await api<TPlugin>(
      'POST',
      `${base()}/plugins`,
      {
        remote: `${REPO}:2.0`,
        alias: ALIAS,
        privileges: [NETWORK_HOST],
        settings: ['MESSAGE_PREFIX=berth:'],
      },
      { 'x-request-id': requestId },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: ALIAS,
      tag: 'latest',
      reference: `${REPO}:2.0`,
      enabled: true,
      type: 'volumedriver',
      types: ['docker.volumedriver/1.0'],
    });
    expect(res.body.settings.env).toEqual([
      expect.objectContaining({ name: 'MESSAGE_PREFIX', value: 'berth:', settable: ['value'] }),
    ]);
    expect(await enginePlugins()).toContain(NAME);
    await waitFor(
      () => Promise.resolve(seen.some((p) => p.requestId === requestId && p.done)),
      10_000,
      'the last progress event',
    );
    const mine = seen.filter((p) => p.requestId === requestId);
    expect(mine.at(-1)).toMatchObject({
      hostId,
      image: `${REPO}:2.0`,
      status: 'complete',
      done: true,
    });
    expect(mine.some((p) => p.layer && p.status === 'Complete')).toBe(true);
    const audit = (await auditOf('plugin.install')).filter((e) => e.target === ALIAS).at(-1);
    expect(audit?.outcome).toBe('success');
    expect(JSON.stringify(audit)).not.toContain(f.registry.password);
  });

  it('answers 409 naming the alias when that name is installed already', async () => {
    const res = await api<ErrorBody>('POST', `${base()}/plugins`, {
      remote: `${REPO}:2.0`,
      alias: ALIAS,
      privileges: [NETWORK_HOST],
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details?.issues).toEqual([
      { path: 'alias', message: 'already installed' },
    ]);
  });

  it('lists and inspects it', async () => {
    const list = await api<TPlugin[]>('GET', `${base()}/plugins`);
    expect(list.status).toBe(200);
    const mine = list.body.find((p) => p.name === ALIAS);
    expect(mine).toMatchObject({ enabled: true, type: 'volumedriver' });
    const detail = await api<TPluginDetail>('GET', `${base()}/plugins/${mine!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.inspect).toMatchObject({ Id: mine!.id, Name: NAME });
    expect((await api('GET', `${base()}/plugins/no-such-${RUN}`)).status).toBe(404);
  });
});

describe('the installed driver', () => {
  it('makes a volume that a container uses', async () => {
    const volume = await api('POST', `${base()}/volumes`, {
      name: `v-${RUN}`,
      driver: ALIAS,
      driverOpts: { message: 'made through berth' },
    });
    expect(volume.status).toBe(201);
    const container = await api<{ id: string }>('POST', `${base()}/containers`, {
      image: f.image,
      name: `c-${RUN}`,
      pull: 'never',
      cmd: ['cat', '/v/README'],
      volumes: [{ type: 'volume', source: `v-${RUN}`, target: '/v' }],
    });
    expect(container.status).toBe(201);
    await waitFor(
      async () =>
        (await dockerOk(b, ['inspect', '-f', '{{.State.Status}}', `c-${RUN}`])) === 'exited',
      30_000,
      'the container to exit',
    );
    expect(await dockerOk(b, ['logs', `c-${RUN}`])).toBe('berth:made through berth');
    expect(await dockerOk(b, ['volume', 'inspect', '-f', '{{.Driver}}', `v-${RUN}`])).toBe(NAME);
  });

  it('refuses settings while enabled, on the settings field', async () => {
    const res = await api<ErrorBody>(
      'POST',
      `${base()}/plugins/${encodeURIComponent(NAME)}/configure`,
      {
        settings: ['MESSAGE_PREFIX=again:'],
      },
    );
    expect(res.status).toBe(400);
    expect((res.body.error.details?.issues as { path: string }[])[0]?.path).toBe('settings');
  });

  it('is disabled once its volume is gone, configured, upgraded, and removed', async () => {
    const plugin = `${base()}/plugins/${encodeURIComponent(NAME)}`;
    await dockerOk(b, ['rm', '-f', `c-${RUN}`]);
    expect((await api('DELETE', `${base()}/volumes/v-${RUN}`)).status).toBe(204);
    expect((await api('POST', `${plugin}/disable`)).status).toBe(204);
    expect(await dockerOk(b, ['plugin', 'inspect', '-f', '{{.Enabled}}', NAME])).toBe('false');

    const set = await api<TPlugin>('POST', `${plugin}/configure`, {
      settings: ['MESSAGE_PREFIX=again:'],
    });
    expect(set.status).toBe(200);
    expect(set.body.settings.env[0]?.value).toBe('again:');
    expect((await auditOf('plugin.configure')).at(-1)).toMatchObject({
      outcome: 'success',
      target: NAME,
    });

    const upgraded = await api<TPlugin>('POST', `${plugin}/upgrade`, {
      remote: `${REPO}:2.1`,
      privileges: [NETWORK_HOST],
    });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({ name: ALIAS, reference: `${REPO}:2.1`, enabled: false });

    expect((await api('POST', `${plugin}/enable`)).status).toBe(204);
    const refused = await api<ErrorBody>('DELETE', plugin);
    expect(refused.status).toBe(409);
    expect(await enginePlugins()).toContain(NAME);
    expect((await api('DELETE', `${plugin}?force=true`)).status).toBe(204);
    expect(await enginePlugins()).not.toContain(NAME);
    for (const action of ['plugin.disable', 'plugin.upgrade', 'plugin.enable', 'plugin.remove']) {
      expect((await auditOf(action)).at(-1)).toMatchObject({ outcome: 'success', target: NAME });
    }
  });
});

describe('a read-only user', () => {
  it('lists plugins but gets 403 naming plugin.install on every change', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    expect((await berth.api('GET', `${base()}/plugins`, { token: reader })).status).toBe(200);
    const name = encodeURIComponent(NAME);
    const calls: [string, string, unknown][] = [
      ['GET', `${base()}/plugin-privileges?remote=${encodeURIComponent(`${REPO}:2.0`)}`, undefined],
      [
        'POST',
        `${base()}/plugins`,
        { remote: `${REPO}:2.0`, alias: ALIAS, privileges: [NETWORK_HOST] },
      ],
      ['POST', `${base()}/plugins/${name}/enable`, undefined],
      ['POST', `${base()}/plugins/${name}/disable`, undefined],
      ['POST', `${base()}/plugins/${name}/configure`, { settings: ['MESSAGE_PREFIX=x'] }],
      ['POST', `${base()}/plugins/${name}/upgrade`, { remote: `${REPO}:2.1`, privileges: [] }],
      ['DELETE', `${base()}/plugins/${name}`, undefined],
    ];
    for (const [method, path, body] of calls) {
      const res = await berth.api<ErrorBody>(method, path, {
        token: reader,
        ...(body === undefined ? {} : { body }),
      });
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.body.error.message).toContain('plugin.install');
    }
    expect(await enginePlugins()).not.toContain(NAME);
  });
});
