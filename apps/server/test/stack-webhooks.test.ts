import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  TAuditPage,
  TStackDeployResponse,
  TStackWebhookList,
  TStackWebhookTriggered,
  TStackWebhookUrl,
} from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import {
  removeComposeProject,
  settledDeployment,
  stackDeployments,
  stackIdle,
} from './support/stack-deployments.js';
import { callWebhook } from './support/webhook-call.js';
import { PgProxy } from './support/pg-proxy.js';
import { redisDatabase, testRedisBase } from './support/webhook-jobs.js';

/**
 * Stack webhooks on host a of the real fleet: a signed call redeploys, a bad or missing signature
 * is refused and changes nothing, a burst of calls coalesces into one redeploy (plus at most one
 * follow-up), a read-only user cannot create webhooks, and no token is ever answered again or
 * audited. The stack is named after the run and removed afterwards.
 */
jest.setTimeout(180_000);

const RUN = randomBytes(4).toString('hex');
const NAME = `wh-${RUN}`;
const SECRET = `hook-secret-${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };
const COMPOSE = `
services:
  app:
    image: ${fleet().image}
    command: sleep 3600
`;

let berth: TestBerth;
let token: string;
let hostId: string;
let stackId = '';
let hook: TStackWebhookUrl;

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  const created = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
    token,
    body: { name: NAME, compose: COMPOSE },
  });
  expect(created.status).toBe(201);
  stackId = created.body.id;
  await settled(created.body.deploymentId);
});

afterAll(async () => {
  try {
    await removeComposeProject(direct, NAME);
  } finally {
    await berth?.stop();
  }
});

const deployments = () => stackDeployments(berth, token, stackId);
const settled = (deploymentId: string) => settledDeployment(berth, token, stackId, deploymentId);
const idle = () => stackIdle(berth, token, stackId);

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const call = callWebhook<TStackWebhookTriggered>;

const PAYLOAD = JSON.stringify({ ref: 'refs/heads/main', repository: { name: 'app' } });

describe('stack webhooks', () => {
  it('creates a signed webhook whose URL is answered once and listed without its token', async () => {
    const res = await berth.api<TStackWebhookUrl>('POST', `/api/stacks/${stackId}/webhooks`, {
      token,
      body: { secret: SECRET },
    });
    expect(res.status).toBe(201);
    hook = res.body;
    expect(hook.url).toMatch(new RegExp(`^${berth.url}/api/webhooks/[A-Za-z0-9_-]{43}$`));
    const list = await berth.api<TStackWebhookList>('GET', `/api/stacks/${stackId}/webhooks`, {
      token,
    });
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: hook.id, stackId, signed: true, pullImages: false }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(tokenOf(hook.url));
  });

  it('redeploys on a call signed with X-Hub-Signature-256 and records the trigger', async () => {
    const res = await call(hook.url, PAYLOAD, { 'x-hub-signature-256': sign(PAYLOAD) });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ stackId, status: 'running' });
    const done = await settled(res.body.deploymentId);
    expect(done.status).toBe('succeeded');
    expect(done.trigger).toBe('webhook');
    expect(done.triggeredBy).toMatch(
      /^webhook \S+ from 127\.0\.0\.1 \(signature valid\): github call app refs\/heads\/main$/,
    );
  });

  it('accepts a matching X-Gitlab-Token', async () => {
    const res = await call(hook.url, PAYLOAD, { 'x-gitlab-token': SECRET });
    expect(res.status).toBe(202);
    expect((await settled(res.body.deploymentId)).status).toBe('succeeded');
  });

  it('refuses a bad or missing signature with 401 and deploys nothing', async () => {
    const before = (await deployments()).length;
    const wrongKey = await call(hook.url, PAYLOAD, {
      'x-hub-signature-256': sign(PAYLOAD, 'another-secret'),
    });
    expect(wrongKey.status).toBe(401);
    const alteredBody = await call(hook.url, `${PAYLOAD} `, {
      'x-hub-signature-256': sign(PAYLOAD),
    });
    expect(alteredBody.status).toBe(401);
    expect((await call(hook.url, PAYLOAD, { 'x-gitlab-token': 'wrong' })).status).toBe(401);
    expect((await call(hook.url, PAYLOAD)).status).toBe(401);
    expect((await deployments()).length).toBe(before);
  });

  it('answers 404 for an unknown token', async () => {
    const res = await call(
      `${berth.url}/api/webhooks/${randomBytes(32).toString('base64url')}`,
      PAYLOAD,
    );
    expect(res.status).toBe(404);
  });

  it('coalesces ten concurrent calls into one redeploy, or one and one follow-up', async () => {
    await idle();
    const before = new Set((await deployments()).map((d) => d.id));
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(hook.url, PAYLOAD, { 'x-hub-signature-256': sign(PAYLOAD) }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const answered = new Set(answers.map((a) => a.body.deploymentId));
    expect(answered.size === 1 || answered.size === 2).toBe(true);
    await idle();
    const added = (await deployments()).filter((d) => !before.has(d.id));
    expect(added.map((d) => d.id).sort()).toEqual([...answered].sort());
    expect(added.every((d) => d.trigger === 'webhook' && d.status === 'succeeded')).toBe(true);
  });

  it('rotates the token: the old URL stops working, the new one redeploys', async () => {
    const rotated = await berth.api<TStackWebhookUrl>(
      'POST',
      `/api/stacks/${stackId}/webhooks/${hook.id}/rotate`,
      { token },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.id).toBe(hook.id);
    expect(rotated.body.url).not.toBe(hook.url);
    const sig = { 'x-hub-signature-256': sign(PAYLOAD) };
    expect((await call(hook.url, PAYLOAD, sig)).status).toBe(404);
    const res = await call(rotated.body.url, PAYLOAD, sig);
    expect(res.status).toBe(202);
    await settled(res.body.deploymentId);
    hook = rotated.body;
  });

  it('does not let a read-only user create, list or revoke webhooks', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    const create = await berth.api('POST', `/api/stacks/${stackId}/webhooks`, {
      token: reader,
      body: {},
    });
    expect(create.status).toBe(403);
    expect(
      (await berth.api('GET', `/api/stacks/${stackId}/webhooks`, { token: reader })).status,
    ).toBe(403);
    expect(
      (await berth.api('DELETE', `/api/stacks/${stackId}/webhooks/${hook.id}`, { token: reader }))
        .status,
    ).toBe(403);
  });

  it('revokes: the URL answers 404; the audit log has every change and trigger, no token or secret', async () => {
    const unsigned = await berth.api<TStackWebhookUrl>('POST', `/api/stacks/${stackId}/webhooks`, {
      token,
      body: {},
    });
    expect(unsigned.status).toBe(201);
    const del = await berth.api('DELETE', `/api/stacks/${stackId}/webhooks/${unsigned.body.id}`, {
      token,
    });
    expect(del.status).toBe(204);
    expect((await call(unsigned.body.url, PAYLOAD)).status).toBe(404);
    expect(
      (await berth.api('DELETE', `/api/stacks/${stackId}/webhooks/${unsigned.body.id}`, { token }))
        .status,
    ).toBe(404);

    const audit = await berth.api<TAuditPage>('GET', '/api/audit?action=stack.*&limit=500', {
      token,
    });
    const records = audit.body.items.filter((e) => e.target === NAME);
    const count = (action: string, outcome: string) =>
      records.filter((e) => e.action === action && e.outcome === outcome).length;
    expect(count('stack.webhook.create', 'success')).toBe(2);
    expect(count('stack.webhook.rotate', 'success')).toBe(1);
    expect(count('stack.webhook.revoke', 'success')).toBe(1);
    // Two signed calls, ten in the burst and one after rotating; four refused.
    expect(count('stack.webhook.trigger', 'success')).toBe(13);
    expect(count('stack.webhook.trigger', 'denied')).toBe(4);
    // The read-only user's refusal is recorded by the route (before the stack is looked up).
    expect(
      audit.body.items.filter((e) => e.action === 'stack.webhook.create' && e.outcome === 'denied'),
    ).toHaveLength(1);
    const trigger = records.find((e) => e.action === 'stack.webhook.trigger');
    expect(trigger).toMatchObject({ ip: '127.0.0.1', actor: { type: 'webhook' } });
    const text = JSON.stringify(audit.body.items);
    for (const url of [hook.url, unsigned.body.url]) expect(text).not.toContain(tokenOf(url));
    expect(text).not.toContain(SECRET);
  });
});

describe('a webhook that pulls images first', () => {
  const f = fleet();
  const REPO = `${f.registry.address}/berth-test/wh-${RUN}:latest`;
  const PULLING = `whp-${RUN}`;
  const b: CliTarget = { host: fleetHost('b').direct };
  let hostB = '';
  let pullingId = '';
  /** The first image on host a, untagged once the second is pulled. */
  let replaced = '';
  /** Images built on host b. */
  const built: string[] = [];

  /** Builds a new image under REPO on host b (a few bytes its own) and pushes it with Berth. */
  async function pushNewImage(seed: string): Promise<void> {
    await dockerOk(b, ['build', '-q', '-t', REPO, '-'], {
      input: `FROM ${f.image}\nRUN echo ${seed} > /seed\nCMD ["sleep", "3600"]\n`,
      env: { DOCKER_BUILDKIT: '0' },
      timeoutMs: 120_000,
    });
    built.push(await dockerOk(b, ['image', 'inspect', '-f', '{{.Id}}', REPO]));
    const push = await berth.api('POST', `/api/hosts/${hostB}/images/push`, {
      token,
      body: { reference: REPO },
    });
    expect(push.status).toBe(200);
  }

  const runningImage = async () =>
    dockerOk(direct, [
      'ps',
      '--filter',
      `label=com.docker.compose.project=${PULLING}`,
      '--format',
      '{{.ID}}',
    ]).then((id) => dockerOk(direct, ['inspect', '-f', '{{.Image}}', id]));

  afterAll(async () => {
    const ids = (
      await docker(direct, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${PULLING}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(direct, ['rm', '-f', ...ids]);
    await docker(direct, ['network', 'rm', `${PULLING}_default`]);
    await docker(direct, ['rmi', '-f', REPO, ...(replaced ? [replaced] : [])]);
    await docker(b, ['rmi', '-f', REPO, ...built]);
  });

  it('redeploys with a newer image pushed to the registry under the same tag', async () => {
    hostB = (await berth.addHost(token, fleetHost('b').registration)).id;
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
    await pushNewImage(`one-${RUN}`);
    const created = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
      token,
      body: { name: PULLING, compose: `services:\n  app:\n    image: ${REPO}\n` },
    });
    expect(created.status).toBe(201);
    pullingId = created.body.id;
    const first = await settledDeployment(berth, token, pullingId, created.body.deploymentId);
    expect(first.status).toBe('succeeded');
    const before = await runningImage();
    replaced = before;

    const made = await berth.api<TStackWebhookUrl>('POST', `/api/stacks/${pullingId}/webhooks`, {
      token,
      body: { pullImages: true },
    });
    expect(made.status).toBe(201);
    await pushNewImage(`two-${RUN}`);
    const pushed = built.at(-1);
    expect(pushed).not.toBe(before);

    const res = await call(made.body.url, PAYLOAD);
    expect(res.status).toBe(202);
    const done = await settledDeployment(berth, token, pullingId, res.body.deploymentId);
    expect(done.status).toBe('succeeded');
    expect(done.triggeredBy).toMatch(
      /\(signature not required\): github call app refs\/heads\/main$/,
    );
    expect(await runningImage()).toBe(pushed);
  });
});

const onReplicas = testRedisBase ? describe : describe.skip;

onReplicas("a stack webhook whose replica's Redis stops answering", () => {
  const name = `wh-redis-${RUN}`;
  let redis: Awaited<ReturnType<typeof redisDatabase>>;
  let proxy: PgProxy;
  let replica: TestBerth;
  let replicaToken = '';
  let id = '';
  let url = '';

  beforeAll(async () => {
    redis = await redisDatabase();
    proxy = await PgProxy.start(redis.url);
    replica = await TestBerth.start({ REDIS_URL: proxy.url(new URL(redis.url).pathname.slice(1)) });
    replicaToken = await replica.adminToken();
    const host = (await replica.addHost(replicaToken, fleetHost('a').registration)).id;
    const created = await replica.api<TStackDeployResponse>('POST', `/api/hosts/${host}/stacks`, {
      token: replicaToken,
      body: { name, compose: COMPOSE },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    await settledDeployment(replica, replicaToken, id, created.body.deploymentId);
    const hook = await replica.api<TStackWebhookUrl>('POST', `/api/stacks/${id}/webhooks`, {
      token: replicaToken,
      body: {},
    });
    expect(hook.status).toBe(201);
    url = hook.body.url;
  });

  afterAll(async () => {
    try {
      await removeComposeProject(direct, name);
    } finally {
      await replica?.stop();
      await proxy?.stop();
      await redis?.drop();
    }
  });

  it('answers 503, leaves no queued deployment behind, and never redeploys for that call', async () => {
    const before = await stackDeployments(replica, replicaToken, id);
    proxy.silence();
    const silent = await call(url, PAYLOAD);
    expect(silent.status).toBe(503);
    expect(silent.headers.get('retry-after')).toMatch(/^\d+$/);
    await proxy.restore();
    // What was sent while Redis was silent reaches it once the replica has reconnected; a run
    // it added would start after the 1 s quiet period.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const after = await stackDeployments(replica, replicaToken, id);
    expect(after.filter((d) => d.status === 'queued' || d.status === 'running')).toEqual([]);
    expect(after.map((d) => d.id)).toEqual(expect.arrayContaining(before.map((d) => d.id)));
    const added = after.filter((d) => !before.some((b) => b.id === d.id));
    // Either nothing reached Redis, or what did was taken back: recorded as failed, not run.
    for (const d of added) expect(d.status).toBe('failed');

    const next = await call(url, PAYLOAD);
    expect(next.status).toBe(202);
    expect(
      (await settledDeployment(replica, replicaToken, id, next.body.deploymentId)).status,
    ).toBe('succeeded');
  }, 120_000);
});

function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
