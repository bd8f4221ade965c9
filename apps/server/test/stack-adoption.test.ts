import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parse } from 'yaml';
import type {
  ErrorBody,
  TAuditPage,
  TComposeFromContainers,
  TStackDeployResponse,
  TStackList,
  TStackPlan,
  TUnmanagedStackList,
} from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { DOCKER_COMPOSE } from './support/compose-reference.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import { removeComposeProject, settledDeployment } from './support/stack-deployments.js';

/**
 * Projects made outside Berth on host a of the real fleet: one made with Debian's docker-compose
 * 1.29.2 is listed as not managed, adopted with its own file (no container recreated), then
 * redeployed with a change that recreates only the changed service; a read-only user may list but
 * not adopt. A compose file made from a running container deploys, through Berth, a container
 * with the same image, environment, ports and mounts, without the secret's value.
 */
jest.setTimeout(180_000);

const run = promisify(execFile);
const RUN = randomBytes(4).toString('hex');
const IMAGE = fleet().image;
const PROJECT = `adopt-${RUN}`;
const COPY = `copy-${RUN}`;
const ORIGINAL = `orig-${RUN}`;
const VOLUME = `vol-${RUN}`;
const PORT = randomInt(20_000, 40_000);
const socket = fleetHost('a').direct;
const direct: CliTarget = { host: socket };

const file = (mode: string) => `
version: '3.8'
services:
  web:
    image: ${IMAGE}
    command: sleep 3600
    environment:
      MODE: ${mode}
    ports: ['${PORT}:80']
    volumes: [data:/data]
    restart: unless-stopped
  worker:
    image: ${IMAGE}
    command: [sh, -c, 'exec sleep 3600']
volumes:
  data: {}
`;

let berth: TestBerth;
let token: string;
let hostId: string;
let dir: string;

async function containerIds(project: string): Promise<Record<string, string>> {
  const out = await dockerOk(direct, [
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--format',
    '{{.Label "com.docker.compose.service"}} {{.ID}} {{.State}}',
  ]);
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [service = '', id = '', state = ''] = line.split(' ');
        return [service, `${id} ${state}`];
      }),
  );
}

async function unmanaged(as = token): Promise<TUnmanagedStackList['items']> {
  const res = await berth.api<TUnmanagedStackList>(
    'GET',
    `/api/unmanaged-stacks?hostId=${hostId}`,
    { token: as },
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  dir = mkdtempSync(join(tmpdir(), 'berth-adopt-'));
  writeFileSync(join(dir, 'docker-compose.yml'), file('one'));
  await run(DOCKER_COMPOSE, ['--ansi', 'never', '-p', PROJECT, 'up', '-d'], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: socket },
    timeout: 120_000,
  });
});

afterAll(async () => {
  try {
    await removeComposeProject(direct, PROJECT, ['data']);
    await removeComposeProject(direct, COPY);
    await docker(direct, ['rm', '-f', ORIGINAL]);
    await docker(direct, ['volume', 'rm', VOLUME]);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await berth?.stop();
  }
});

describe('compose projects made outside Berth', () => {
  let stackId = '';
  let before: Record<string, string> = {};

  it('lists a docker-compose project as not managed, with its services and their states', async () => {
    before = await containerIds(PROJECT);
    const found = (await unmanaged()).find((p) => p.name === PROJECT);
    expect(found).toMatchObject({ hostId, workingDir: dir });
    expect(found!.configFiles.some((f) => f.endsWith('docker-compose.yml'))).toBe(true);
    expect(
      found!.services.map((s) => `${s.name} ${s.containers.map((c) => c.state).join(',')}`),
    ).toEqual(['web running', 'worker running']);
    expect(found!.services[0]!.containers[0]!.id.slice(0, 12)).toBe(before.web!.split(' ')[0]);
  });

  it('lets a read-only user see it but not adopt it', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    expect((await unmanaged(reader)).map((p) => p.name)).toContain(PROJECT);
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/adopt`, {
      token: reader,
      body: { name: PROJECT, compose: file('one') },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('stack.deploy');
  });

  it('refuses to adopt a project the host does not run', async () => {
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/adopt`, {
      token,
      body: { name: `none-${RUN}`, compose: file('one') },
    });
    expect(res.status).toBe(404);
  });

  it('adopts it with its own file without recreating a container', async () => {
    const plan = await berth.api<TStackPlan>('POST', `/api/hosts/${hostId}/stacks/plan`, {
      token,
      body: { name: PROJECT, compose: file('one') },
    });
    expect(plan.status).toBe(200);
    expect(plan.body.steps.map((s) => s.kind)).not.toContain('create-container');
    const res = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks/adopt`, {
      token,
      body: { name: PROJECT, compose: file('one'), source: 'upload' },
    });
    expect(res.status).toBe(201);
    stackId = res.body.id;
    const deployment = await settledDeployment(berth, token, stackId, res.body.deploymentId);
    expect(deployment.status).toBe('succeeded');
    expect(deployment.plan?.recreated).toEqual([]);
    expect(await containerIds(PROJECT)).toEqual(before);
    expect((await unmanaged()).map((p) => p.name)).not.toContain(PROJECT);
    const stacks = await berth.api<TStackList>('GET', `/api/stacks?hostId=${hostId}`, { token });
    expect(stacks.body.items.find((s) => s.name === PROJECT)?.status).toBe('running');
  });

  it('redeploys a change, recreating only the changed service', async () => {
    const res = await berth.api<TStackDeployResponse>('PUT', `/api/stacks/${stackId}`, {
      token,
      body: { compose: file('two') },
    });
    expect(res.status).toBe(200);
    const deployment = await settledDeployment(berth, token, stackId, res.body.deploymentId);
    expect(deployment.status).toBe('succeeded');
    expect(deployment.plan?.recreated.map((r) => r.service)).toEqual(['web']);
    const after = await containerIds(PROJECT);
    expect(after.worker).toBe(before.worker);
    expect(after.web).not.toBe(before.web);
    expect(after.web).toMatch(/ running$/);
    const env = await dockerOk(direct, [
      'inspect',
      '--format',
      '{{json .Config.Env}}',
      `${PROJECT}-web-1`,
    ]);
    expect(JSON.parse(env)).toContain('MODE=two');
    const audit = await berth.api<TAuditPage>('GET', '/api/audit?action=stack.*&limit=500', {
      token,
    });
    expect(
      audit.body.items
        .filter((e) => e.target === PROJECT && e.outcome === 'success')
        .map((e) => e.action)
        .reverse(),
    ).toEqual(['stack.adopt', 'stack.deploy']);
  });
});

describe('a compose file from a container', () => {
  it('deploys a container like the original, without its secret', async () => {
    await dockerOk(direct, [
      'run',
      '-d',
      '--name',
      ORIGINAL,
      '--label',
      'berth.secret-env=API_KEY',
      '--label',
      'com.example.role=copy-me',
      '-e',
      'GREETING=hello world',
      '-e',
      `API_KEY=key-${RUN}`,
      '-p',
      `${PORT + 1}:8080`,
      '-v',
      `${VOLUME}:/data`,
      '-v',
      '/etc:/host-etc:ro',
      '--restart',
      'on-failure:2',
      IMAGE,
      'sleep',
      '3600',
    ]);
    const res = await berth.api<TComposeFromContainers>(
      'POST',
      `/api/hosts/${hostId}/containers/compose`,
      { token, body: { ids: [ORIGINAL] } },
    );
    expect(res.status).toBe(200);
    expect(res.body.compose).not.toContain(`key-${RUN}`);
    expect(res.body.variables).toEqual(['API_KEY']);
    const service = (parse(res.body.compose) as { services: Record<string, unknown> }).services[
      ORIGINAL
    ];
    expect(service).toMatchObject({ environment: { API_KEY: '${API_KEY}' } });

    // The original gives its published port back to the copy.
    await dockerOk(direct, ['stop', ORIGINAL]);
    const created = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
      token,
      body: {
        name: COPY,
        compose: res.body.compose,
        env: [{ name: 'API_KEY', value: `key-${RUN}`, secret: true }],
      },
    });
    expect(created.status).toBe(201);
    const deployment = await settledDeployment(
      berth,
      token,
      created.body.id,
      created.body.deploymentId,
    );
    expect(deployment.status).toBe('succeeded');

    const facts = async (name: string) =>
      JSON.parse(
        await dockerOk(direct, [
          'inspect',
          '--format',
          '{{json .Config.Image}}|{{json .Config.Env}}|{{json .HostConfig.PortBindings}}|{{json .HostConfig.RestartPolicy}}|{{json .Config.Labels}}',
          name,
        ]).then((out) => `[${out.trim().split('|').join(',')}]`),
      ) as [string, string[], unknown, unknown, Record<string, string>];
    const mounts = async (name: string) =>
      (
        JSON.parse(await dockerOk(direct, ['inspect', '--format', '{{json .Mounts}}', name])) as {
          Type: string;
          Name?: string;
          Source: string;
          Destination: string;
          RW: boolean;
        }[]
      )
        .map((m) => `${m.Type} ${m.Type === 'volume' ? m.Name : m.Source} ${m.Destination} ${m.RW}`)
        .sort();
    const [image, env, ports, restart, labels] = await facts(`${COPY}-${ORIGINAL}-1`);
    const [origImage, origEnv, origPorts, origRestart] = await facts(ORIGINAL);
    expect(image).toBe(origImage);
    expect([...env].sort()).toEqual([...origEnv].sort());
    expect(ports).toEqual(origPorts);
    expect(restart).toEqual(origRestart);
    expect(labels['com.example.role']).toBe('copy-me');
    expect(await mounts(`${COPY}-${ORIGINAL}-1`)).toEqual(await mounts(ORIGINAL));
  });
});
