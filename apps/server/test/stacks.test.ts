import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  BERTH_LABELS,
  type ErrorBody,
  type TAuditPage,
  type TStack,
  type TStackDeployResponse,
  type TStackDeploymentList,
  type TStackList,
  type TStackPlan,
} from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { type ApiAnswer, TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import { removeComposeProject } from './support/stack-deployments.js';

/**
 * Compose stacks on host a of the real fleet: deploy, an unchanged redeploy that changes nothing,
 * an env edit that recreates only its service, one deployment at a time, down and delete; a
 * malformed file's COMPOSE_INVALID with lines, a read-only user's 403 and an unreachable host that
 * leaves nothing behind. Every stack is named after the run and removed afterwards.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const IMAGE = fleet().image;
const NAME = `st-${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };

const compose = (workerLevel: string) => `
services:
  db:
    image: ${IMAGE}
    command: [sh, -c, 'touch /tmp/ready && exec sleep 3600']
    healthcheck:
      test: [CMD-SHELL, 'test -f /tmp/ready']
      interval: 1s
      retries: 10
    volumes: [data:/data]
  web:
    image: ${IMAGE}
    command: sleep 3600
    environment:
      TOKEN: \${TOKEN}
    depends_on:
      db: { condition: service_healthy }
  worker:
    image: ${IMAGE}
    command: sleep 3600
    environment:
      LEVEL: ${workerLevel}
    depends_on: [web]
volumes:
  data: {}
`;

let berth: TestBerth;
let token: string;
let hostId: string;
let stackId = '';

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
});

afterAll(async () => {
  try {
    await removeComposeProject(direct, NAME, ['data']);
    // What the ownership case leaves when it fails half-way.
    await removeComposeProject(direct, `${NAME}-own`, ['cache']);
  } finally {
    await berth?.stop();
  }
});

async function containersOnHost(): Promise<Record<string, string>> {
  const out = (
    await docker(direct, [
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${NAME}`,
      '--format',
      '{{.Label "com.docker.compose.service"}} {{.ID}} {{.State}}',
    ])
  ).stdout;
  const byService: Record<string, string> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [service = '', id = '', state = ''] = line.split(' ');
    byService[service] = `${id} ${state}`;
  }
  return byService;
}

async function deployments(id = stackId): Promise<TStackDeploymentList['items']> {
  const res = await berth.api<TStackDeploymentList>('GET', `/api/stacks/${id}/deployments`, {
    token,
  });
  expect(res.status).toBe(200);
  return res.body.items;
}

/** Waits for the deployment to end and answers it. */
async function settled(deploymentId: string) {
  let found: TStackDeploymentList['items'][number] | undefined;
  await waitFor(
    async () => {
      found = (await deployments()).find((d) => d.id === deploymentId);
      return found !== undefined && found.status !== 'running' && found.status !== 'queued';
    },
    90_000,
    `deployment ${deploymentId}`,
  );
  return found!;
}

function put(body: object, auth = token): Promise<ApiAnswer<TStackDeployResponse & ErrorBody>> {
  return berth.api('PUT', `/api/stacks/${stackId}`, { token: auth, body });
}

describe('stacks', () => {
  it('plans a new stack before its first deploy and creates nothing; a typo is named at its line', async () => {
    const plan = await berth.api<TStackPlan>('POST', `/api/hosts/${hostId}/stacks/plan`, {
      token,
      body: { name: NAME, compose: compose('info'), env: [{ name: 'TOKEN', value: 'x' }] },
    });
    expect(plan.status).toBe(200);
    expect(plan.body.recreated).toEqual([]);
    expect(plan.body.steps.map((s) => s.id)).toEqual(
      expect.arrayContaining(['network:default', 'volume:data', 'create:db-1', 'start:worker-1']),
    );
    expect(await containersOnHost()).toEqual({});
    const list = await berth.api<TStackList>('GET', `/api/stacks?hostId=${hostId}`, { token });
    expect(list.body.items.filter((s) => s.name === NAME)).toEqual([]);
    const typo = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/plan`, {
      token,
      body: { name: NAME, compose: compose('info').replace('command: sleep', 'comand: sleep') },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({
      code: 'COMPOSE_INVALID',
      details: { issues: [expect.objectContaining({ path: 'services.web.comand', line: 13 })] },
    });
  });

  it('deploys a stack: services started in dependency order, listed with their containers', async () => {
    const res = await berth.api<TStackDeployResponse & ErrorBody>(
      'POST',
      `/api/hosts/${hostId}/stacks`,
      {
        token,
        body: {
          name: NAME,
          compose: compose('info'),
          env: [{ name: 'TOKEN', value: `s3cret-${RUN}`, secret: true }],
        },
      },
    );
    expect(res.status).toBe(201);
    stackId = res.body.id;
    const deployment = await settled(res.body.deploymentId);
    expect({ ...deployment, plan: null }).toMatchObject({
      status: 'succeeded',
      trigger: 'deploy',
      failedStep: null,
    });
    expect(deployment.output).not.toContain(`s3cret-${RUN}`);
    const kinds = deployment.plan?.steps.map((s) => s.id) ?? [];
    expect(kinds).toEqual(
      expect.arrayContaining([
        'network:default',
        'volume:data',
        'create:db-1',
        'wait:service_healthy:' + `${NAME}-db-1`,
        'start:web-1',
        'start:worker-1',
      ]),
    );
    const onHost = await containersOnHost();
    expect(Object.keys(onHost).sort()).toEqual(['db', 'web', 'worker']);
    for (const state of Object.values(onHost)) expect(state).toMatch(/ running$/);

    const list = await berth.api<TStackList>('GET', `/api/stacks?hostId=${hostId}`, { token });
    const listed = list.body.items.find((s) => s.id === stackId);
    expect(listed).toMatchObject({ hostId, name: NAME, status: 'running' });
    expect(listed?.services.map((s) => [s.name, s.containers.map((c) => c.state)])).toEqual([
      ['db', ['running']],
      ['web', ['running']],
      ['worker', ['running']],
    ]);
    const one = await berth.api<TStack>('GET', `/api/stacks/${stackId}`, { token });
    expect(one.body.env).toEqual([{ name: 'TOKEN', value: '********', secret: true }]);
    const env = await docker(direct, ['inspect', '-f', '{{json .Config.Env}}', `${NAME}-web-1`]);
    expect(env.stdout).toContain(`TOKEN=s3cret-${RUN}`);
  });

  it('plans nothing and changes nothing for an unchanged redeploy', async () => {
    const before = await containersOnHost();
    const plan = await berth.api<TStackPlan>('POST', `/api/stacks/${stackId}/plan`, {
      token,
      body: {},
    });
    expect(plan.status).toBe(200);
    expect(plan.body.steps).toEqual([]);
    // The masked secret sent back keeps its value: still nothing to do.
    const res = await put({
      compose: compose('info'),
      env: [{ name: 'TOKEN', value: '********', secret: true }],
    });
    expect(res.status).toBe(200);
    const deployment = await settled(res.body.deploymentId);
    expect(deployment).toMatchObject({ status: 'succeeded', trigger: 'redeploy' });
    expect(deployment.plan?.steps).toEqual([]);
    expect(await containersOnHost()).toEqual(before);
  });

  it('recreates only the service whose environment changed, and says why', async () => {
    const before = await containersOnHost();
    const plan = await berth.api<TStackPlan>('POST', `/api/stacks/${stackId}/plan`, {
      token,
      body: { compose: compose('debug') },
    });
    expect(plan.body.recreated).toEqual([
      { service: 'worker', number: 1, reason: 'config hash changed' },
    ]);
    const res = await put({ compose: compose('debug') });
    expect(res.status).toBe(200);
    // One deployment at a time: a second one while this runs is refused, naming it.
    const second = await put({ compose: compose('debug') });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(res.body.deploymentId);
    expect(await settled(res.body.deploymentId)).toMatchObject({ status: 'succeeded' });
    const after = await containersOnHost();
    expect(after.db).toBe(before.db);
    expect(after.web).toBe(before.web);
    expect(after.worker).not.toBe(before.worker);
    expect(after.worker).toMatch(/ running$/);
    const level = await docker(direct, [
      'inspect',
      '-f',
      '{{json .Config.Env}}',
      `${NAME}-worker-1`,
    ]);
    expect(level.stdout).toContain('LEVEL=debug');
  });

  it('records the version of the compose file each deploy applied', async () => {
    const version = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
    const history = await deployments();
    // Newest first: the edit to debug, the unchanged redeploy, the first deploy.
    expect(history.map((d) => [d.trigger, d.fileVersion])).toEqual([
      ['redeploy', version(compose('debug'))],
      ['redeploy', version(compose('info'))],
      ['deploy', version(compose('info'))],
    ]);
    expect(version(compose('debug'))).not.toBe(version(compose('info')));
  });

  it('names the step a failed deploy stopped at and keeps the previous containers running', async () => {
    const before = await containersOnHost();
    const broken = compose('trace').replace(
      /worker:\n {4}image: [^\n]+/,
      'worker:\n    image: 127.0.0.1:1/missing:latest',
    );
    expect(broken).toContain('127.0.0.1:1/missing');
    const res = await put({ compose: broken });
    expect(res.status).toBe(200);
    const deployment = await settled(res.body.deploymentId);
    expect(deployment).toMatchObject({
      status: 'failed',
      failedStep: 'pull:127.0.0.1:1/missing:latest',
    });
    expect(deployment.output).toContain('failed  pull:127.0.0.1:1/missing:latest');
    expect(await containersOnHost()).toEqual(before);
    const stack = await berth.api<TStack>('GET', `/api/stacks/${stackId}`, { token });
    expect(stack.body.status).toBe('failed');

    // The engine refuses the replacement itself: the old container keeps running, nothing is left.
    const tooBig = compose('trace').replace(
      'LEVEL: trace\n',
      "LEVEL: trace\n    deploy: { resources: { limits: { cpus: '512' } } }\n",
    );
    const refused = await put({ compose: tooBig });
    expect(refused.status).toBe(200);
    expect(await settled(refused.body.deploymentId)).toMatchObject({
      status: 'failed',
      failedStep: 'create:worker-1',
    });
    expect(await containersOnHost()).toEqual(before);
  });

  it('answers a malformed compose file with 400 COMPOSE_INVALID naming path and line', async () => {
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks`, {
      token,
      body: {
        name: `${NAME}-bad`,
        compose: 'services:\n  web:\n    image: x\n    restart: sometimes\n    portz: [80]\n',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('COMPOSE_INVALID');
    const issues = res.body.error.details?.issues;
    expect(issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'services.web.portz', line: 5 })]),
    );
    const edit = await put({ compose: 'services:\n  web:\n    image: [\n' });
    expect(edit.status).toBe(400);
    expect(edit.body.error.code).toBe('COMPOSE_INVALID');
    const list = await berth.api<TStackList>('GET', `/api/stacks?hostId=${hostId}`, { token });
    expect(list.body.items.map((s) => s.name)).toEqual([NAME]);
  });

  it('lets a read-only user list stacks but not deploy, change or remove them', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    const list = await berth.api<TStackList>('GET', `/api/stacks`, { token: reader });
    expect(list.body.items.map((s) => s.id)).toEqual([stackId]);
    const create = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks`, {
      token: reader,
      body: { name: `${NAME}-r`, compose: compose('info') },
    });
    expect(create.status).toBe(403);
    const plan = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/plan`, {
      token: reader,
      body: { name: `${NAME}-r`, compose: compose('info') },
    });
    expect(plan.status).toBe(403);
    expect((await put({ compose: compose('x') }, reader)).status).toBe(403);
    const del = await berth.api('DELETE', `/api/stacks/${stackId}`, { token: reader });
    expect(del.status).toBe(403);
    expect((await berth.api('POST', `/api/stacks/${stackId}/down`, { token: reader })).status).toBe(
      403,
    );
  });

  it("labels what a standard user's stack creates as theirs and hides it from another", async () => {
    const owner = await grantedUserToken(berth, `owner-${RUN}`, hostId, 'standard');
    const stranger = await grantedUserToken(berth, `stranger-${RUN}`, hostId, 'standard');
    const ownerId = (
      await berth.server.app
        .get(PrismaService)
        .db.user.findUniqueOrThrow({ where: { username: `owner-${RUN}` } })
    ).id;
    const name = `${NAME}-own`;
    // The file claims the stack for someone else: the labels say who really deployed it.
    const claimed = `
services:
  app:
    image: ${IMAGE}
    command: [sleep, '3600']
    stop_signal: SIGKILL
    labels: { ${BERTH_LABELS.owner}: someone-else }
    volumes: [cache:/cache]
volumes:
  cache: {}
`;
    const made = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
      token: owner,
      body: { name, compose: claimed },
    });
    expect(made.status).toBe(201);
    const id = made.body.id;
    await waitFor(
      async () =>
        (await berth.api<TStack>('GET', `/api/stacks/${id}`, { token })).body.status === 'running',
      60_000,
      `stack ${name} running`,
    );
    const ownerLabel = `{{index .Labels "${BERTH_LABELS.owner}"}}`;
    const labelled = async (args: string[]) => (await docker(direct, args)).stdout.trim();
    expect(
      await labelled([
        'ps',
        '-a',
        '--filter',
        `label=com.docker.compose.project=${name}`,
        '--format',
        `{{.Label "${BERTH_LABELS.owner}"}}`,
      ]),
    ).toBe(ownerId);
    expect(await labelled(['volume', 'inspect', `${name}_cache`, '--format', ownerLabel])).toBe(
      ownerId,
    );
    expect(await labelled(['network', 'inspect', `${name}_default`, '--format', ownerLabel])).toBe(
      ownerId,
    );

    const mine = await berth.api<TStackList>('GET', `/api/stacks?hostId=${hostId}`, {
      token: owner,
    });
    expect(mine.body.items.map((s) => s.id)).toEqual([id]);
    const theirs = await berth.api<TStackList>('GET', `/api/stacks?hostId=${hostId}`, {
      token: stranger,
    });
    expect(theirs.body.items).toEqual([]);
    const asStranger = [
      ['GET', `/api/stacks/${id}`],
      ['POST', `/api/stacks/${id}/plan`],
      ['PUT', `/api/stacks/${id}`],
      ['POST', `/api/stacks/${id}/stop`],
      ['POST', `/api/stacks/${id}/down`],
      ['DELETE', `/api/stacks/${id}?volumes=true`],
      ['GET', `/api/stacks/not-a-stack`],
    ] as const;
    for (const [method, path] of asStranger) {
      const body = method === 'POST' || method === 'PUT' ? { body: {} } : {};
      const res = await berth.api<ErrorBody>(method, path, { token: stranger, ...body });
      expect([method, path, res.status, res.body.error?.code]).toEqual([
        method,
        path,
        404,
        'NOT_FOUND',
      ]);
    }
    expect(
      await labelled([
        'ps',
        '--filter',
        `label=com.docker.compose.project=${name}`,
        '--format',
        '{{.State}}',
      ]),
    ).toBe('running');

    const removed = await berth.api('DELETE', `/api/stacks/${id}?volumes=true`, { token: owner });
    expect(removed.status).toBe(204);
    expect(
      await labelled(['ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`]),
    ).toBe('');
    expect((await docker(direct, ['volume', 'inspect', `${name}_cache`])).code).not.toBe(0);
  });

  it('refuses a stack on an unreachable host with a clear error and stores nothing', async () => {
    const down = await berth.addHost(token, {
      name: `gone-${RUN}`,
      url: `unix:///tmp/berth-fleet/gone-${RUN}.sock`,
    });
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${down.id}/stacks`, {
      token,
      body: { name: `${NAME}-gone`, compose: compose('info') },
    });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('HOST_UNREACHABLE');
    expect(res.body.error.message).toContain(`gone-${RUN}`);
    const list = await berth.api<TStackList>('GET', `/api/stacks?hostId=${down.id}`, { token });
    expect(list.body.items).toEqual([]);
  });

  it('stops, starts, takes down and deletes the stack; volumes go only when asked', async () => {
    const stop = await berth.api<TStackDeployResponse>('POST', `/api/stacks/${stackId}/stop`, {
      token,
    });
    // A stop applies no compose file: its deployment has no file version.
    expect(await settled(stop.body.deploymentId)).toMatchObject({
      status: 'succeeded',
      fileVersion: null,
    });
    for (const state of Object.values(await containersOnHost())) expect(state).toMatch(/ exited$/);
    const start = await berth.api<TStackDeployResponse>('POST', `/api/stacks/${stackId}/start`, {
      token,
    });
    expect(await settled(start.body.deploymentId)).toMatchObject({ status: 'succeeded' });
    for (const state of Object.values(await containersOnHost())) expect(state).toMatch(/ running$/);

    const down = await berth.api<TStackDeployResponse>('POST', `/api/stacks/${stackId}/down`, {
      token,
    });
    expect(await settled(down.body.deploymentId)).toMatchObject({ status: 'succeeded' });
    expect(await containersOnHost()).toEqual({});
    expect((await docker(direct, ['network', 'inspect', `${NAME}_default`])).code).not.toBe(0);
    expect((await docker(direct, ['volume', 'inspect', `${NAME}_data`])).code).toBe(0);

    const history = await deployments();
    expect(history.map((d) => d.trigger).slice(0, 4)).toEqual([
      'down',
      'start',
      'stop',
      'redeploy',
    ]);

    const del = await berth.api('DELETE', `/api/stacks/${stackId}?volumes=true`, { token });
    expect(del.status).toBe(204);
    expect((await docker(direct, ['volume', 'inspect', `${NAME}_data`])).code).not.toBe(0);
    expect((await berth.api('GET', `/api/stacks/${stackId}`, { token })).status).toBe(404);

    const audit = await berth.api<TAuditPage>('GET', '/api/audit?action=stack.*&limit=500', {
      token,
    });
    const records = audit.body.items
      .filter((e) => e.target === NAME)
      .map((e) => `${e.action} ${e.outcome}`)
      .reverse();
    expect(records).toEqual([
      'stack.deploy success',
      'stack.deploy success',
      'stack.deploy success',
      'stack.deploy failure',
      'stack.deploy failure',
      'stack.stop success',
      'stack.start success',
      'stack.down success',
      'stack.delete success',
    ]);
    expect(JSON.stringify(audit.body.items)).not.toContain(`s3cret-${RUN}`);
  });
});
