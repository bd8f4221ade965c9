import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { TStackDeployResponse, TStackWebhookUrl } from '@berth/shared';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import {
  type StackDeployment,
  settledDeployment,
  stackDeployments,
} from './support/stack-deployments.js';
import { TestRegistry } from './support/test-registry.js';

/**
 * The end-to-end path of a registry push: a registry of this test's own (distribution, its
 * `notifications.endpoints` pointing at a Berth webhook with the webhook's secret as
 * `X-Gitlab-Token`) notifies Berth when an image is pushed; the stack on host a redeploys its `app`
 * service with the newer image (only that service: `side` keeps its container), and a push of a
 * tag the webhook does not accept is recorded as skipped.
 */
jest.setTimeout(240_000);

const RUN = randomBytes(4).toString('hex');
const NAME = `whr-${RUN}`;
const SECRET = `registry-hook-${RUN}`;
const a: CliTarget = { host: fleetHost('a').direct };
const b: CliTarget = { host: fleetHost('b').direct };

let berth: TestBerth;
let registry: TestRegistry;
let token: string;
let stackId = '';
let repo = '';
const built: string[] = [];

/** Builds a new image on host b, tags it `repo:tag` and pushes it straight to the registry. */
async function buildOnB(seed: string): Promise<string> {
  await dockerOk(b, ['build', '-q', '-t', `${repo}:latest`, '-'], {
    input: `FROM ${fleet().image}\nRUN echo ${seed} > /seed\nCMD ["sleep", "3600"]\n`,
    env: { DOCKER_BUILDKIT: '0' },
    timeoutMs: 120_000,
  });
  const id = await dockerOk(b, ['image', 'inspect', '-f', '{{.Id}}', `${repo}:latest`]);
  built.push(id);
  return id;
}

const push = (tag: string) =>
  dockerOk(b, ['push', `${repo}:${tag}`], { timeoutMs: 120_000 }).then(() => undefined);

const container = (service: string) =>
  dockerOk(a, [
    'ps',
    '-q',
    '--no-trunc',
    '--filter',
    `label=com.docker.compose.project=${NAME}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ]);

/** Waits for a deployment of the stack that `match` picks, answered once it has ended. */
async function deploymentWhere(match: (d: StackDeployment) => boolean): Promise<StackDeployment> {
  let found: StackDeployment | undefined;
  await waitFor(
    async () => {
      found = (await stackDeployments(berth, token, stackId)).find(match);
      return found !== undefined && found.status !== 'running' && found.status !== 'queued';
    },
    90_000,
    'the deployment the notification started',
  );
  return found!;
}

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  registry = await TestRegistry.start(['a', 'b']);
  repo = `${registry.address}/team/app-${RUN}`;
});

afterAll(async () => {
  try {
    await removeLabelled(a, `com.docker.compose.project=${NAME}`);
    await docker(a, ['network', 'rm', `${NAME}_default`]);
    await docker(a, ['rmi', '-f', `${repo}:latest`, ...built]);
    await docker(b, ['rmi', '-f', `${repo}:latest`, `${repo}:other`, ...built]);
  } finally {
    await registry?.stop();
    await berth?.stop();
  }
});

it("redeploys the webhook's service when the registry notifies a push of its tag", async () => {
  const hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
  const first = await buildOnB(`one-${RUN}`);
  await push('latest');
  const created = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostA}/stacks`, {
    token,
    body: {
      name: NAME,
      compose: `services:\n  app:\n    image: ${repo}:latest\n  side:\n    image: ${repo}:latest\n`,
    },
  });
  expect(created.status).toBe(201);
  stackId = created.body.id;
  expect((await settledDeployment(berth, token, stackId, created.body.deploymentId)).status).toBe(
    'succeeded',
  );
  const side = await container('side');
  const hook = await berth.api<TStackWebhookUrl>('POST', `/api/stacks/${stackId}/webhooks`, {
    token,
    body: { secret: SECRET, pullImages: true, services: ['app'], refs: ['latest'] },
  });
  expect(hook.status).toBe(201);
  await registry.notify({ url: hook.body.url, headers: { 'X-Gitlab-Token': SECRET } });

  const second = await buildOnB(`two-${RUN}`);
  expect(second).not.toBe(first);
  await dockerOk(b, ['tag', `${repo}:latest`, `${repo}:other`]);
  await push('other');
  const skipped = await deploymentWhere(
    (d) => d.status === 'skipped' && (d.triggeredBy ?? '').includes(`:other`),
  );
  expect(skipped.triggeredBy).toContain(`(signature valid): registry push team/app-${RUN}:other`);
  expect(skipped.output).toBe('skipped: other is not accepted (accepted: latest)');
  expect(await dockerOk(a, ['inspect', '-f', '{{.Image}}', await container('app')])).toBe(first);

  await push('latest');
  const redeployed = await deploymentWhere(
    (d) => d.status !== 'skipped' && (d.triggeredBy ?? '').includes(':latest'),
  );
  expect(redeployed).toMatchObject({ trigger: 'webhook', status: 'succeeded' });
  expect(redeployed.triggeredBy).toMatch(
    /\(signature valid\): registry push team\/app-\w+:latest$/,
  );
  expect(await dockerOk(a, ['inspect', '-f', '{{.Image}}', await container('app')])).toBe(second);
  // Only the webhook's service was redeployed: the other keeps its container and image.
  expect(await container('side')).toBe(side);
  expect(await dockerOk(a, ['inspect', '-f', '{{.Image}}', side])).toBe(first);
});
