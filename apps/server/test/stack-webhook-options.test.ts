import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TAuditPage,
  TStackDeployResponse,
  TStackWebhookList,
  TStackWebhookUrl,
} from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { settledDeployment, stackDeployments, stackIdle } from './support/stack-deployments.js';
import { callWebhook } from './support/webhook-call.js';

/**
 * Stack webhook options on host a of the real fleet: a branch or tag filter read from GitHub,
 * GitLab, Docker Hub and registry-notification payloads (a call naming another ref is recorded as
 * skipped and changes nothing), a registry notification without a push never redeploys, a rate per
 * webhook answered 429 with Retry-After past it, and services checked against the file.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const NAME = `who-${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };
const COMPOSE = `
services:
  app:
    image: ${fleet().image}
    command: sleep 3600
`;

let berth: TestBerth;
let token: string;
let stackId = '';

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  const hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  const created = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
    token,
    body: { name: NAME, compose: COMPOSE },
  });
  expect(created.status).toBe(201);
  stackId = created.body.id;
  await settledDeployment(berth, token, stackId, created.body.deploymentId);
});

afterAll(async () => {
  try {
    await removeLabelled(direct, `com.docker.compose.project=${NAME}`);
    await docker(direct, ['network', 'rm', `${NAME}_default`]);
  } finally {
    await berth?.stop();
  }
});

async function webhook(body: Record<string, unknown>): Promise<TStackWebhookUrl> {
  const res = await berth.api<TStackWebhookUrl>('POST', `/api/stacks/${stackId}/webhooks`, {
    token,
    body,
  });
  expect(res.status).toBe(201);
  return res.body;
}

const call = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  callWebhook(url, JSON.stringify(payload), headers);

const appContainer = () =>
  dockerOk(direct, ['ps', '-q', '--filter', `label=com.docker.compose.project=${NAME}`]);

const github = (ref: string) => ({
  ref,
  after: 'f00dfeed00000000000000000000000000000001',
  repository: { full_name: 'team/app' },
});
const gitlab = (ref: string) => ({
  object_kind: 'push',
  ref,
  checkout_sha: 'beef',
  project: { path_with_namespace: 'team/app' },
});
const dockerHub = (tag: string) => ({
  push_data: { tag, pusher: 'ci' },
  repository: { repo_name: 'team/app' },
});
const registry = (action: string, tag?: string) => ({
  events: [
    {
      id: randomBytes(4).toString('hex'),
      action,
      target: { repository: 'team/app', ...(tag ? { tag } : {}) },
    },
  ],
});

describe('a webhook that accepts only a branch or tag', () => {
  let hook: TStackWebhookUrl;

  beforeAll(async () => {
    hook = await webhook({ refs: ['main', 'v2'] });
  });

  it('lists its options', async () => {
    const list = await berth.api<TStackWebhookList>('GET', `/api/stacks/${stackId}/webhooks`, {
      token,
    });
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: hook.id, refs: ['main', 'v2'], services: [], rateLimit: 30 }),
    ]);
  });

  it('records calls naming another branch or tag as skipped and changes nothing', async () => {
    await stackIdle(berth, token, stackId);
    const before = await appContainer();
    const calls = [
      call(hook.url, github('refs/heads/dev'), { 'x-github-event': 'push' }),
      call(hook.url, github('refs/tags/v1')),
      call(hook.url, gitlab('refs/heads/feature'), { 'x-gitlab-event': 'Push Hook' }),
      call(hook.url, dockerHub('latest')),
      call(hook.url, registry('push', 'latest')),
      call(hook.url, { hello: 'no ref here' }),
    ];
    const answers = await Promise.all(calls);
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ status: 'skipped' });
    }
    expect(answers[0]!.body).toMatchObject({ reason: 'dev is not accepted (accepted: main, v2)' });
    expect(answers[5]!.body).toMatchObject({
      reason: 'the call names no branch or tag (accepted: main, v2)',
    });
    const history = await stackDeployments(berth, token, stackId);
    const skipped = history.filter((d) => d.status === 'skipped');
    expect(skipped).toHaveLength(6);
    expect(skipped.map((d) => d.triggeredBy).join('\n')).toContain(
      'github push team/app refs/heads/dev f00dfeed0000',
    );
    expect(skipped.map((d) => d.triggeredBy).join('\n')).toContain(
      'gitlab Push Hook team/app refs/heads/feature',
    );
    expect(skipped.map((d) => d.triggeredBy).join('\n')).toContain(
      'docker-hub push team/app:latest',
    );
    expect(skipped.every((d) => d.trigger === 'webhook' && d.output.startsWith('skipped: '))).toBe(
      true,
    );
    expect(await appContainer()).toBe(before);
  });

  it('redeploys for an accepted branch (GitHub, GitLab) or tag (Docker Hub, registry)', async () => {
    for (const payload of [
      github('refs/heads/main'),
      gitlab('refs/heads/main'),
      dockerHub('v2'),
      registry('push', 'v2'),
    ]) {
      await stackIdle(berth, token, stackId);
      const res = await call(hook.url, payload);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ stackId, status: 'running' });
      const done = await settledDeployment(
        berth,
        token,
        stackId,
        (res.body as { deploymentId: string }).deploymentId,
      );
      expect(done.status).toBe('succeeded');
    }
  });
});

describe('registry notifications', () => {
  it('never redeploy for a notification without a tag push (pulls, blob pushes)', async () => {
    const hook = await webhook({});
    const before = (await stackDeployments(berth, token, stackId)).length;
    const pull = await call(hook.url, registry('pull', 'latest'));
    expect(pull.status).toBe(202);
    expect(pull.body).toMatchObject({
      status: 'skipped',
      reason: 'the registry notification has no tag push',
    });
    const blob = await call(hook.url, registry('push'));
    expect(blob.body).toMatchObject({ status: 'skipped' });
    const history = await stackDeployments(berth, token, stackId);
    expect(history.length).toBe(before + 2);
    expect(history.slice(0, 2).every((d) => d.status === 'skipped')).toBe(true);
  });
});

describe('the rate of a webhook', () => {
  it('answers 429 with Retry-After past its calls a minute, for that webhook only', async () => {
    const limited = await webhook({ refs: ['main'], rateLimit: 3 });
    const other = await webhook({ refs: ['main'] });
    const dev = github('refs/heads/dev');
    for (let i = 0; i < 3; i += 1) expect((await call(limited.url, dev)).status).toBe(202);
    const refused = await call(limited.url, dev);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await call(other.url, dev)).status).toBe(202);

    const audit = await berth.api<TAuditPage>(
      'GET',
      '/api/audit?action=stack.webhook.trigger&limit=500',
      { token },
    );
    const mine = audit.body.items.filter((e) => e.details?.webhookId === limited.id);
    expect(mine.filter((e) => e.outcome === 'denied')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ reason: 'rate limited' }) }),
    ]);
    expect(mine.filter((e) => e.outcome === 'success')).toHaveLength(3);
    expect(mine[0]).toMatchObject({
      ip: '127.0.0.1',
      details: expect.objectContaining({ payload: expect.stringContaining('refs/heads/dev') }),
    });
  });
});

describe('services of a webhook', () => {
  it('must be services of the stack (400 on services)', async () => {
    const res = await berth.api<ErrorBody>('POST', `/api/stacks/${stackId}/webhooks`, {
      token,
      body: { services: ['nope'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues).toEqual([
      { path: 'services', message: 'the stack has no service nope' },
    ]);
    await webhook({ services: ['app'] });
  });

  it('refuses a bad option with 400 naming it', async () => {
    const res = await berth.api<ErrorBody>('POST', `/api/stacks/${stackId}/webhooks`, {
      token,
      body: { refs: ['bad ref'], rateLimit: 0 },
    });
    expect(res.status).toBe(400);
    const paths = (res.body.error.details?.issues ?? []).map((i) => i.path).sort();
    expect(paths).toEqual(['rateLimit', 'refs.0']);
  });
});
