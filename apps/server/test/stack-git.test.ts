import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TAuditPage,
  TStack,
  TStackDeployResponse,
  TStackGitInfo,
} from '@berth/shared';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { TestGitServer } from './support/git-server.js';
import { settledDeployment, stackDeployments } from './support/stack-deployments.js';

/**
 * A stack from a git repository served by a real git server (git http-backend, with a login) on
 * host a: the compose file read at its path on the branch, the login sealed and never answered,
 * the commit in the history; a bad login or path is a 400 on its field; a push to the branch is
 * found by the poll and redeployed with the new commit.
 */
jest.setTimeout(120_000);

const run = promisify(execFile);
const RUN = randomBytes(4).toString('hex');
const NAME = `git-${RUN}`;
const LOGIN = { username: 'deployer', password: `git-token-${RUN}` };
const direct: CliTarget = { host: fleetHost('a').direct };
const composeOf = (seconds: number) =>
  `services:\n  app:\n    image: ${fleet().image}\n    command: sleep ${seconds}\n`;

let berth: TestBerth;
let git: TestGitServer;
let token = '';
let hostId = '';
let commits: string[] = [];

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  git = await TestGitServer.start(LOGIN);
  commits = await git.repository('stack', [{ files: { 'deploy/compose.yaml': composeOf(3600) } }]);
});

afterAll(async () => {
  try {
    await removeLabelled(direct, `com.docker.compose.project=${NAME}`);
    await docker(direct, ['network', 'rm', `${NAME}_default`]);
  } finally {
    await git?.stop();
    await berth?.stop();
  }
});

const source = (extra: Record<string, unknown> = {}) => ({
  url: git.repoUrl('stack'),
  ref: 'main',
  path: 'deploy/compose.yaml',
  username: LOGIN.username,
  token: LOGIN.password,
  pollSeconds: 10,
  ...extra,
});

/** Commits a new compose file to main over HTTP with the login, as CI would push. */
async function pushCompose(text: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'berth-git-push-'));
  const url = new URL(git.repoUrl('stack'));
  url.username = LOGIN.username;
  url.password = LOGIN.password;
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'CI',
    GIT_AUTHOR_EMAIL: 'ci@berth.invalid',
    GIT_COMMITTER_NAME: 'CI',
    GIT_COMMITTER_EMAIL: 'ci@berth.invalid',
  };
  try {
    await run('git', ['clone', '--quiet', url.href, work], { env });
    writeFileSync(join(work, 'deploy/compose.yaml'), text);
    await run('git', ['-C', work, 'commit', '--quiet', '-am', 'longer sleep'], { env });
    await run('git', ['-C', work, 'push', '--quiet', 'origin', 'main'], { env });
    return (await run('git', ['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

it('refuses a wrong login on git.token and a missing file on git.path', async () => {
  const wrong = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/git`, {
    token,
    body: { name: NAME, git: source({ token: 'wrong' }) },
  });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.details?.issues?.map((i) => i.path)).toEqual(['git.token']);
  expect(JSON.stringify(wrong.body)).not.toContain('wrong@');
  const missing = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/git`, {
    token,
    body: { name: NAME, git: source({ path: 'nope/compose.yaml' }) },
  });
  expect(missing.status).toBe(400);
  expect(missing.body.error.details?.issues?.map((i) => i.path)).toEqual(['git.path']);
});

it('deploys the file of the branch, records its commit, and redeploys when the branch moves', async () => {
  const created = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks/git`, {
    token,
    body: { name: NAME, git: source() },
  });
  expect(created.status).toBe(201);
  const stackId = created.body.id;
  const first = await settledDeployment(berth, token, stackId, created.body.deploymentId);
  expect(first).toMatchObject({ status: 'succeeded', commit: commits[0] });
  const info = await berth.api<TStackGitInfo>('GET', `/api/stacks/${stackId}/git`, { token });
  expect(info.body).toEqual({
    url: git.repoUrl('stack'),
    ref: 'main',
    path: 'deploy/compose.yaml',
    pollSeconds: 10,
    commit: commits[0],
    hasLogin: true,
  });
  const stack = await berth.api<TStack>('GET', `/api/stacks/${stackId}`, { token });
  expect(stack.body.source).toBe('git');

  const moved = await pushCompose(composeOf(3601));
  let redeployed: { status: string; triggeredBy: string | null } | undefined;
  await waitFor(
    async () => {
      redeployed = (await stackDeployments(berth, token, stackId)).find(
        (d) => d.commit === moved && d.status !== 'running' && d.status !== 'queued',
      );
      return redeployed !== undefined;
    },
    60_000,
    'the poll to redeploy the new commit',
  );
  expect(redeployed).toMatchObject({ status: 'succeeded' });
  expect(redeployed?.triggeredBy).toBe(`git poll: main moved to ${moved.slice(0, 12)}`);
  expect(await dockerOk(direct, ['inspect', '-f', '{{json .Config.Cmd}}', `${NAME}-app-1`])).toBe(
    '["sleep","3601"]',
  );

  const audit = await berth.api<TAuditPage>('GET', '/api/audit?limit=500', { token });
  expect(JSON.stringify(audit.body)).not.toContain(LOGIN.password);
  expect(JSON.stringify(await stackDeployments(berth, token, stackId))).not.toContain(
    LOGIN.password,
  );
});
