import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { ErrorBody, TStackDeployResponse, TStackPlan, TStackProgress } from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { TestGitServer } from './support/git-server.js';
import { removeComposeProject, settledDeployment } from './support/stack-deployments.js';
import { openUserSocket } from './support/user-socket.js';

/**
 * Compose `build:` on host a of the real fleet, for a stack from a git repository (served by
 * git http-backend, with a login): the image is built from the repository's folder and tagged
 * `<project>-<service>`, its container runs it; a redeploy of the same commit changes no
 * container; a Dockerfile that fails fails the deploy naming the step, and the containers that
 * ran keep running. A stack from the editor, which has no files, is refused at its build line,
 * but builds from a public git repository named as its context (fetched by Berth).
 * (Relative binds of a git stack: stack-git-files.test.ts.)
 */
jest.setTimeout(180_000);

const RUN = randomBytes(4).toString('hex');
const NAME = `bld-${RUN}`;
const LOGIN = { username: 'builder', password: `build-token-${RUN}` };
const direct: CliTarget = { host: fleetHost('a').direct };
const IMAGE = `${NAME}-app`;
const compose = [
  'services:',
  '  app:',
  '    build:',
  '      context: ../app',
  '      dockerfile: App.Dockerfile',
  '      args:',
  '        GREETING: hello',
  '      target: run',
  '',
].join('\n');
const dockerfile = (extra: string) =>
  `FROM ${fleet().image} AS run\nARG GREETING\nRUN echo $GREETING > /greeting.txt\nCOPY message.txt /message.txt\n${extra}CMD ["sleep", "3600"]\n`;

let berth: TestBerth;
let git: TestGitServer;
let token = '';
let hostId = '';
let stackId = '';
let commits: string[] = [];

beforeAll(async () => {
  [berth, git] = await Promise.all([TestBerth.start(), TestGitServer.start(LOGIN)]);
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  commits = await git.repository('app', [
    {
      files: {
        'deploy/compose.yaml': compose,
        'app/App.Dockerfile': dockerfile(''),
        'app/message.txt': `built from git ${RUN}\n`,
      },
    },
  ]);
});

afterAll(async () => {
  try {
    await removeComposeProject(direct, NAME);
    await docker(direct, ['image', 'rm', '-f', IMAGE]);
  } finally {
    await git?.stop();
    await berth?.stop();
  }
});

const gitSource = {
  url: '',
  ref: 'main',
  path: 'deploy/compose.yaml',
  username: LOGIN.username,
  token: LOGIN.password,
};

const containerOf = () =>
  dockerOk(direct, ['inspect', '-f', '{{.Id}} {{.Image}} {{.State.Status}}', `${NAME}-app-1`]);

it('deploys a service built from the repository and runs the built image', async () => {
  const socket = await openUserSocket(berth.url, token);
  const events: TStackProgress[] = [];
  socket.on('stack.progress', (event: TStackProgress) => events.push(event));
  const created = await berth.api<TStackDeployResponse & ErrorBody>(
    'POST',
    `/api/hosts/${hostId}/stacks/git`,
    { token, body: { name: NAME, git: { ...gitSource, url: git.repoUrl('app') } } },
  );
  expect(created.status).toBe(201);
  stackId = created.body.id;
  const deployment = await settledDeployment(berth, token, stackId, created.body.deploymentId);
  socket.disconnect();
  const buildEvents = events.filter((e) => e.step === 'build:app');
  expect(buildEvents.map((e) => e.message ?? '')).toContainEqual(
    expect.stringMatching(/^Step 1\/\d+ : FROM /),
  );
  expect(buildEvents.at(-1)?.status).toBe('done');
  expect(deployment).toMatchObject({ status: 'succeeded', commit: commits[0] });
  const build = deployment.plan?.steps.find((s) => s.kind === 'build-image');
  expect(build).toMatchObject({ id: 'build:app', target: IMAGE, service: 'app' });
  const order = deployment.plan?.steps.map((s) => s.id) ?? [];
  expect(order.indexOf('build:app')).toBeLessThan(order.indexOf('create:app-1'));
  expect(deployment.output).toContain('build:app | Step 1/');

  const [, imageId, state] = (await containerOf()).split(' ');
  expect(state).toBe('running');
  expect(imageId).toBe(await dockerOk(direct, ['image', 'inspect', '-f', '{{.Id}}', IMAGE]));
  expect(await dockerOk(direct, ['exec', `${NAME}-app-1`, 'cat', '/message.txt'])).toBe(
    `built from git ${RUN}`,
  );
  expect(await dockerOk(direct, ['exec', `${NAME}-app-1`, 'cat', '/greeting.txt'])).toBe('hello');
  expect(JSON.stringify(deployment)).not.toContain(LOGIN.password);
});

it('plans the build, and redeploys the same commit without changing any container', async () => {
  const planned = await berth.api<TStackPlan>('POST', `/api/stacks/${stackId}/plan`, {
    token,
    body: {},
  });
  expect(planned.status).toBe(200);
  expect(planned.body.steps).toEqual([
    { id: 'build:app', after: [], kind: 'build-image', target: IMAGE, service: 'app' },
  ]);
  const before = await containerOf();
  const pulled = await berth.api<TStackDeployResponse>('POST', `/api/stacks/${stackId}/git/pull`, {
    token,
  });
  expect(pulled.status).toBe(200);
  const deployment = await settledDeployment(berth, token, stackId, pulled.body.deploymentId);
  expect(deployment.status).toBe('succeeded');
  expect(deployment.plan?.recreated).toEqual([]);
  expect(deployment.plan?.steps.map((s) => s.kind)).toEqual(['build-image']);
  expect(await containerOf()).toBe(before);
});

it('fails the deploy on a broken Dockerfile, naming the step, and keeps the running container', async () => {
  const before = await containerOf();
  const broken = await git.commit('app', {
    'app/App.Dockerfile': dockerfile('RUN exit 3\n'),
    'app/message.txt': 'never deployed\n',
  });
  const pulled = await berth.api<TStackDeployResponse>('POST', `/api/stacks/${stackId}/git/pull`, {
    token,
  });
  expect(pulled.status).toBe(200);
  const deployment = await settledDeployment(berth, token, stackId, pulled.body.deploymentId);
  expect(deployment).toMatchObject({ status: 'failed', failedStep: 'build:app', commit: broken });
  expect(deployment.output).toMatch(
    /failed: step build:app failed: Step \d+\/\d+ : RUN exit 3: .*returned a non-zero code: 3/,
  );
  expect(await containerOf()).toBe(before);
  expect(await dockerOk(direct, ['exec', `${NAME}-app-1`, 'cat', '/message.txt'])).toBe(
    `built from git ${RUN}`,
  );
});

it('refuses a build in a stack from the editor, at its build line', async () => {
  const editor = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks`, {
    token,
    body: { name: `${NAME}-editor`, compose },
  });
  expect(editor.status).toBe(400);
  expect(editor.body.error).toMatchObject({
    code: 'COMPOSE_INVALID',
    details: { issues: [expect.objectContaining({ path: 'services.app.build', line: 3 })] },
  });
  expect(editor.body.error.message).toContain('../app is not available');
});

it("builds an editor stack's service from a public git repository named as its context", async () => {
  const remote = `${NAME}-remote`;
  const open = await TestGitServer.start();
  const at = (name: string) => `${remote}-${name}`;
  try {
    const [commit] = await open.repository('remote', [
      {
        files: {
          'svc/Dockerfile': `FROM ${fleet().image}\nCOPY message.txt /message.txt\nCMD ["sleep", "3600"]\n`,
          'svc/message.txt': `built from a remote context ${RUN}\n`,
        },
      },
    ]);
    /** An editor stack whose one service is built from `context`, deployed and settled. */
    const deployed = async (name: string, context: string) => {
      const created = await berth.api<TStackDeployResponse & ErrorBody>(
        'POST',
        `/api/hosts/${hostId}/stacks`,
        { token, body: { name, compose: `services:\n  app:\n    build: ${context}\n` } },
      );
      expect(created.status).toBe(201);
      return settledDeployment(berth, token, created.body.id, created.body.deploymentId);
    };

    const deployment = await deployed(at('ok'), `${open.repoUrl('remote')}#main:svc`);
    expect(deployment.status).toBe('succeeded');
    expect(deployment.output).toContain(
      `build:app | build context ${open.repoUrl('remote')} at ${commit!.slice(0, 12)}, folder svc`,
    );
    expect(await dockerOk(direct, ['exec', `${at('ok')}-app-1`, 'cat', '/message.txt'])).toBe(
      `built from a remote context ${RUN}`,
    );

    // A folder the repository lacks fails the build step, naming it; nothing is created.
    const failed = await deployed(at('missing'), `${open.repoUrl('remote')}#main:nowhere`);
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'build:app' });
    expect(failed.output).toContain('the build context folder nowhere is not in');
    expect((await docker(direct, ['inspect', `${at('missing')}-app-1`])).code).not.toBe(0);
  } finally {
    for (const name of [at('ok'), at('missing')]) {
      await removeComposeProject(direct, name);
      await docker(direct, ['image', 'rm', '-f', `${name}-app`]);
    }
    await open.stop();
  }
});
