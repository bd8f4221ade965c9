import { createHmac, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import type { TAuditPage, TContainerWebhookList, TStackWebhookUrl } from '@berth/shared';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import { PgProxy } from './support/pg-proxy.js';
import { rawRequest } from './support/raw-http.js';
import { callWebhook } from './support/webhook-call.js';
import {
  redisDatabase,
  runWebhookJob,
  testRedisBase,
  webhookJobOf,
} from './support/webhook-jobs.js';

/**
 * Webhooks of a single container on host a of the real fleet: a signed call pulls the container's
 * image again (a newer one pushed under the same tag from host b) and recreates the container with
 * the same name and configuration; a bad signature changes nothing; rotate and revoke; a read-only
 * user cannot manage them; every change and call audited, no token or secret in the log. A
 * recreate left half-done (the old container set aside) is finished by the next call; on replicas
 * (Redis), a job run again for the same call (BullMQ's stalled job) recreates once.
 */
jest.setTimeout(180_000);

const RUN = randomBytes(4).toString('hex');
const f = fleet();
const REPO = `${f.registry.address}/berth-test/cwh-${RUN}:latest`;
const NAME = `cwh-${RUN}`;
const SECRET = `container-hook-${RUN}`;
const a: CliTarget = { host: fleetHost('a').direct };
const b: CliTarget = { host: fleetHost('b').direct };

let berth: TestBerth;
let token: string;
let hostA = '';
let hostB = '';
let hook: TStackWebhookUrl;
const built: string[] = [];

/** Builds a new image under REPO on host b and pushes it with Berth; answers its id. */
async function pushNewImage(seed: string): Promise<string> {
  await dockerOk(b, ['build', '-q', '-t', REPO, '-'], {
    input: `FROM ${f.image}\nRUN echo ${seed} > /seed\nCMD ["sleep", "3600"]\n`,
    env: { DOCKER_BUILDKIT: '0' },
    timeoutMs: 120_000,
  });
  const id = await dockerOk(b, ['image', 'inspect', '-f', '{{.Id}}', REPO]);
  built.push(id);
  const push = await berth.api('POST', `/api/hosts/${hostB}/images/push`, {
    token,
    body: { reference: REPO },
  });
  expect(push.status).toBe(200);
  return id;
}

const inspect = (format: string) => dockerOk(a, ['inspect', '-f', format, NAME]);

const call = callWebhook;
/** The server's idle limit for a request body that stops coming (BERTH_REQUEST_IDLE_MS). */
const IDLE_MS = 2_000;

const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const PAYLOAD = JSON.stringify({ push_data: { tag: 'latest' }, repository: { repo_name: 'x' } });

beforeAll(async () => {
  berth = await TestBerth.start({ BERTH_REQUEST_IDLE_MS: String(IDLE_MS) });
  token = await berth.adminToken();
  hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
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
  const pulled = await berth.api('POST', '/api/images/pull', {
    token,
    body: { reference: REPO, hostIds: [hostA] },
  });
  expect(pulled.status).toBe(200);
  await dockerOk(a, ['run', '-d', '--name', NAME, '--label', `run=${RUN}`, '-e', 'KEEP=1', REPO]);
});

afterAll(async () => {
  try {
    await berth?.stop();
  } finally {
    // Every container of this run (their names carry RUN), once no recreate can be going on,
    // with what a recreate left aside.
    await removeThisRun();
    await docker(a, ['rmi', '-f', REPO]);
    await docker(b, ['rmi', '-f', REPO, ...built]);
  }
});

async function removeThisRun(): Promise<void> {
  const ids = (await docker(a, ['ps', '-aq', '--filter', `name=-${RUN}`])).stdout.split(/\s+/);
  const listed = ids.filter(Boolean);
  if (listed.length > 0) await docker(a, ['rm', '-f', ...listed]);
}

describe('container webhooks', () => {
  it('creates a signed webhook, answered once, listed without its token', async () => {
    const res = await berth.api<TStackWebhookUrl>(
      'POST',
      `/api/hosts/${hostA}/containers/${NAME}/webhooks`,
      { token, body: { secret: SECRET } },
    );
    expect(res.status).toBe(201);
    hook = res.body;
    const list = await berth.api<TContainerWebhookList>(
      'GET',
      `/api/hosts/${hostA}/containers/${NAME}/webhooks`,
      { token },
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: hook.id, container: NAME, signed: true, pullImage: true }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(tokenOf(hook.url));
  });

  it('refuses a bad or missing signature with 401 and leaves the container as it is', async () => {
    const before = await inspect('{{.Id}}');
    expect(
      (await call(hook.url, PAYLOAD, { 'x-hub-signature-256': sign(PAYLOAD, 'nope') })).status,
    ).toBe(401);
    expect((await call(hook.url, PAYLOAD)).status).toBe(401);
    expect(await inspect('{{.Id}}')).toBe(before);
  });

  it('pulls the newer image and recreates the container with the same configuration', async () => {
    const before = await inspect('{{.Id}}');
    const pushed = await pushNewImage(`two-${RUN}`);
    const res = await call(hook.url, PAYLOAD, { 'x-hub-signature-256': sign(PAYLOAD) });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ container: NAME, status: 'running' });
    await waitFor(
      async () => (await docker(a, ['inspect', '-f', '{{.Image}}', NAME])).stdout.trim() === pushed,
      60_000,
      'the container on the new image',
    );
    expect(await inspect('{{.Id}}')).not.toBe(before);
    expect(await inspect('{{.State.Running}}')).toBe('true');
    expect(await inspect('{{index .Config.Labels "run"}}')).toBe(RUN);
    expect(await inspect('{{json .Config.Env}}')).toContain('KEEP=1');
  });

  it('rotates (the old URL answers 404) and revokes', async () => {
    const rotated = await berth.api<TStackWebhookUrl>(
      'POST',
      `/api/hosts/${hostA}/containers/${NAME}/webhooks/${hook.id}/rotate`,
      { token },
    );
    expect(rotated.status).toBe(200);
    const sig = { 'x-gitlab-token': SECRET };
    expect((await call(hook.url, PAYLOAD, sig)).status).toBe(404);
    const before = await inspect('{{.Id}}');
    expect((await call(rotated.body.url, PAYLOAD, sig)).status).toBe(202);
    await waitFor(
      async () => (await docker(a, ['inspect', '-f', '{{.Id}}', NAME])).stdout.trim() !== before,
      60_000,
      'the container recreated',
    );
    const del = await berth.api(
      'DELETE',
      `/api/hosts/${hostA}/containers/${NAME}/webhooks/${hook.id}`,
      { token },
    );
    expect(del.status).toBe(204);
    expect((await call(rotated.body.url, PAYLOAD, sig)).status).toBe(404);
    hook = rotated.body;
  });

  it('does not let a read-only user create or list them', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostA, 'read-only');
    const path = `/api/hosts/${hostA}/containers/${NAME}/webhooks`;
    expect((await berth.api('POST', path, { token: reader, body: {} })).status).toBe(403);
    expect((await berth.api('GET', path, { token: reader })).status).toBe(403);
  });

  it('answers 404 for a container that does not exist', async () => {
    const res = await berth.api('POST', `/api/hosts/${hostA}/containers/nope-${RUN}/webhooks`, {
      token,
      body: {},
    });
    expect(res.status).toBe(404);
  });

  it('audits every change and call, with no token or secret', async () => {
    const read = () => berth.api<TAuditPage>('GET', '/api/audit?limit=500', { token });
    const recreations = (page: TAuditPage) =>
      page.items.filter(
        (e) =>
          e.target === NAME &&
          e.action === 'container.recreate' &&
          e.outcome === 'success' &&
          e.actor.type === 'webhook',
      );
    // A recreate is recorded when it ends, which may be just after the new container shows.
    await waitFor(
      async () => recreations((await read()).body).length >= 2,
      30_000,
      'both recreations audited',
    );
    const audit = await read();
    const mine = audit.body.items.filter((e) => e.target === NAME);
    const count = (action: string, outcome: string) =>
      mine.filter((e) => e.action === action && e.outcome === outcome).length;
    expect(count('container.webhook.create', 'success')).toBe(1);
    expect(count('container.webhook.rotate', 'success')).toBe(1);
    expect(count('container.webhook.revoke', 'success')).toBe(1);
    expect(count('container.webhook.trigger', 'denied')).toBe(2);
    expect(count('container.webhook.trigger', 'success')).toBe(2);
    expect(recreations(audit.body)).toHaveLength(2);
    const text = JSON.stringify(audit.body.items);
    expect(text).not.toContain(tokenOf(hook.url));
    expect(text).not.toContain(SECRET);
  });
});

/** The container webhook runs on `NAME`'s host recorded for `name`, newest first. */
async function recreations(on: TestBerth, onToken: string, name: string) {
  const page = await on.api<TAuditPage>('GET', '/api/audit?limit=500', { token: onToken });
  return page.body.items.filter(
    (e) => e.target === name && e.action === 'container.recreate' && e.actor.type === 'webhook',
  );
}

/** Sets `name` aside as a recreate's first steps do: stopped, renamed to the aside name. */
async function setAside(name: string): Promise<string> {
  const id = await dockerOk(a, ['inspect', '-f', '{{.Id}}', name]);
  await dockerOk(a, ['stop', '-t', '1', name]);
  await dockerOk(a, ['rename', name, `${name}-berth-old-${id.slice(0, 8)}`]);
  return id;
}

const gone = async (ref: string) => (await docker(a, ['inspect', ref])).code !== 0;

describe('a container webhook call that finds a recreate left half-done', () => {
  const name = `cwh-half-${RUN}`;

  it('finishes it: the new container made from the one set aside, started, the old one removed', async () => {
    await dockerOk(a, ['run', '-d', '--stop-timeout', '1', '--name', name, '-e', 'KEEP=2', REPO]);
    const created = await berth.api<TStackWebhookUrl>(
      'POST',
      `/api/hosts/${hostA}/containers/${name}/webhooks`,
      { token, body: { pullImage: false } },
    );
    expect(created.status).toBe(201);
    const old = await setAside(name);
    const res = await call(created.body.url, PAYLOAD);
    expect(res.status).toBe(202);
    await waitFor(
      async () => (await recreations(berth, token, name)).length === 1,
      60_000,
      'the run recorded',
    );
    const [run] = await recreations(berth, token, name);
    expect(run).toMatchObject({
      outcome: 'success',
      details: expect.objectContaining({ resumed: 'finished', previousId: old }),
    });
    const inspected = (format: string) => dockerOk(a, ['inspect', '-f', format, name]);
    expect(await inspected('{{.Id}}')).not.toBe(old);
    expect(await inspected('{{.State.Running}}')).toBe('true');
    expect(await inspected('{{json .Config.Env}}')).toContain('KEEP=2');
    expect(await gone(old)).toBe(true);
  });
});

describe('webhook calls that try the endpoint', () => {
  const name = `cwh-edge-${RUN}`;
  let url = '';
  const path = () => new URL(url).pathname;
  const id = () => dockerOk(a, ['inspect', '-f', '{{.Id}}', name]);
  const triggers = async () =>
    (await berth.api<TAuditPage>('GET', '/api/audit?limit=500', { token })).body.items.filter(
      (e) => e.target === name && e.action === 'container.webhook.trigger',
    );

  beforeAll(async () => {
    await dockerOk(a, ['run', '-d', '--stop-timeout', '1', '--name', name, REPO]);
    const created = await berth.api<TStackWebhookUrl>(
      'POST',
      `/api/hosts/${hostA}/containers/${name}/webhooks`,
      { token, body: { pullImage: false, refs: ['main'] } },
    );
    expect(created.status).toBe(201);
    url = created.body.url;
  });

  it('a key given twice: the one that wins is the one checked against the accepted branches', async () => {
    const before = await id();
    const last = await call(url, '{"ref":"refs/heads/main","ref":"refs/heads/other"}');
    expect(last.status).toBe(202);
    expect(last.body).toEqual({ status: 'skipped', reason: expect.stringMatching(/^other /) });
    expect(await id()).toBe(before);
    const main = await call(url, '{"ref":"refs/heads/other","ref":"refs/heads/main"}');
    expect(main.body).toEqual({ container: name, status: 'running' });
    // Mid-recreate the name is briefly nobody's (the old container set aside, the new one not yet
    // made): only a container under it with another id is the recreate done.
    await waitFor(
      async () => {
        const now = await docker(a, ['inspect', '-f', '{{.Id}}', name]);
        return now.code === 0 && now.stdout.trim() !== before;
      },
      60_000,
      'the recreate',
    );
    const [accepted] = await triggers();
    expect(accepted?.details).toMatchObject({ payload: 'github call refs/heads/main' });
    expect(JSON.stringify(accepted?.details)).not.toContain('other');
  });

  it('a body that stops half-way ends with 400 naming the body within the idle limit; nothing runs', async () => {
    const before = await id();
    const count = (await triggers()).length;
    const target = new URL(url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname);
      socket.write(
        `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ref":"refs/',
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      // Well past the idle limit: a server that waits on sends nothing before this.
      setTimeout(() => {
        socket.destroy();
        resolve(`nothing in ${IDLE_MS * 5} ms: ${text}`);
      }, IDLE_MS * 5);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"path":"body"');
    expect(answer).toContain('after 13 of its 100 bytes');
    expect((await berth.api('GET', '/api/health')).status).toBe(200);
    expect(await triggers()).toHaveLength(count);
    expect(await id()).toBe(before);
  });

  it('Connection: Upgrade is refused at once, naming the header, and runs nothing', async () => {
    const count = (await triggers()).length;
    const body = '{"ref":"refs/heads/main"}';
    const res = await rawRequest(berth.url, {
      method: 'POST',
      path: path(),
      headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { issues: [{ path: 'connection' }] } },
    });
    expect(JSON.stringify(res.body)).not.toContain(tokenOf(url));
    // Without the header the same call is an ordinary one.
    const plain = await rawRequest(berth.url, {
      method: 'POST',
      path: path(),
      headers: { Connection: 'close' },
      body,
    });
    expect(plain.status).toBe(202);
    await waitFor(async () => (await triggers()).length === count + 1, 10_000, 'one trigger');
  }, 30_000);

  it("reads GitHub's form encoding for the branch, and a form with two payloads as naming none", async () => {
    const form = (body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push' },
        body,
      });
    const payload = (ref: string) => `payload=${encodeURIComponent(JSON.stringify({ ref }))}`;
    const twice = await form(`${payload('refs/heads/other')}&${payload('refs/heads/main')}`);
    expect(await twice.json()).toEqual({
      status: 'skipped',
      reason: expect.stringContaining('names no branch'),
    });
    // Read for its branch: run, or queued behind a run an earlier call started.
    const res = await form(payload('refs/heads/main'));
    expect([res.status, await res.json()]).toEqual([
      202,
      { container: name, status: expect.stringMatching(/^(running|queued)$/) },
    ]);
  });

  it('refuses a body over 1 MiB with 413 and reads any content type as the bytes signed', async () => {
    const big = await call(
      url,
      JSON.stringify({ ref: 'refs/heads/main', pad: 'x'.repeat(1 << 20) }),
    );
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"ref":"refs/heads/other"}',
      });
      expect([type, res.status, await res.json()]).toEqual([
        type,
        202,
        { status: 'skipped', reason: expect.stringMatching(/^other /) },
      ]);
    }
  });
});

const onReplicas = testRedisBase ? describe : describe.skip;

onReplicas('container webhook jobs run again for the same call (replicas on Redis)', () => {
  const name = `cwh-job-${RUN}`;
  let replica: TestBerth;
  let replicaToken = '';
  let host = '';
  let redis: Awaited<ReturnType<typeof redisDatabase>>;
  let run: Parameters<typeof runWebhookJob>[3];
  const inspected = (format: string) => dockerOk(a, ['inspect', '-f', format, name]);

  beforeAll(async () => {
    redis = await redisDatabase();
    replica = await TestBerth.start({ REDIS_URL: redis.url });
    replicaToken = await replica.adminToken();
    host = (await replica.addHost(replicaToken, fleetHost('a').registration)).id;
    await dockerOk(a, ['run', '-d', '--stop-timeout', '1', '--name', name, '-e', 'KEEP=3', REPO]);
    run = await webhookJobOf(
      replica,
      replicaToken,
      `/api/hosts/${host}/containers/${name}/webhooks`,
      host,
      name,
    );
  });

  afterAll(async () => {
    await replica?.stop();
    await redis?.drop();
  });

  it('a job run twice for the same call recreates once; the second records the work done', async () => {
    const before = await inspected('{{.Id}}');
    const runId = randomBytes(8).toString('hex');
    await runWebhookJob(redis.url, 'container', runId, run);
    const after = await inspected('{{.Id}}');
    expect(after).not.toBe(before);
    await runWebhookJob(redis.url, 'container', runId, run);
    expect(await inspected('{{.Id}}')).toBe(after);
    expect(await inspected('{{.State.Running}}')).toBe('true');
    const runs = await recreations(replica, replicaToken, name);
    expect(runs.map((e) => [e.outcome, e.details?.resumed])).toEqual([
      ['success', 'done'],
      ['success', undefined],
    ]);
    expect(runs[0]!.details).toMatchObject({ id: after, previousId: before });
  });

  it('a job run again after its first attempt died before changing anything recreates the container', async () => {
    const before = await inspected('{{.Id}}');
    const runId = randomBytes(8).toString('hex');
    // What the first attempt wrote just before its first engine change, and nothing more.
    const journal = new Redis(redis.url);
    await journal.set(
      `berth:webhook-run:${runId}`,
      JSON.stringify({ previousId: before, running: true }),
      'PX',
      3_600_000,
    );
    journal.disconnect();
    await runWebhookJob(redis.url, 'container', runId, run);
    const after = await inspected('{{.Id}}');
    expect(after).not.toBe(before);
    expect(await inspected('{{.State.Running}}')).toBe('true');
    expect(await gone(before)).toBe(true);
    const [last] = await recreations(replica, replicaToken, name);
    expect(last).toMatchObject({
      outcome: 'success',
      details: expect.objectContaining({ id: after, previousId: before }),
    });
    expect(last!.details?.resumed).toBeUndefined();
  });

  it('a job that finds the new container made but not started starts it and removes the old one', async () => {
    const old = await setAside(name);
    // What the recreate's create step leaves: a container under the name, not started.
    await dockerOk(a, ['create', '--stop-timeout', '1', '--name', name, '-e', 'KEEP=3', REPO]);
    const made = await inspected('{{.Id}}');
    await runWebhookJob(redis.url, 'container', randomBytes(8).toString('hex'), run);
    expect(await inspected('{{.Id}}')).toBe(made);
    expect(await inspected('{{.State.Running}}')).toBe('true');
    expect(await gone(old)).toBe(true);
    const [last] = await recreations(replica, replicaToken, name);
    expect(last).toMatchObject({
      outcome: 'success',
      details: expect.objectContaining({ resumed: 'finished', id: made, previousId: old }),
    });
  });
});

onReplicas("a webhook whose replicas' Redis stops answering mid-call", () => {
  const name = `cwh-redis-${RUN}`;
  let redis: Awaited<ReturnType<typeof redisDatabase>>;
  let proxy: PgProxy;
  let replica: TestBerth;
  let direct: Redis;
  let hook: TStackWebhookUrl;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await redisDatabase();
    direct = new Redis(redis.url);
    proxy = await PgProxy.start(redis.url);
    const db = new URL(redis.url).pathname.slice(1);
    replica = await TestBerth.start({ REDIS_URL: proxy.url(db) });
    const replicaToken = await replica.adminToken();
    const host = (await replica.addHost(replicaToken, fleetHost('a').registration)).id;
    await dockerOk(a, ['run', '-d', '--stop-timeout', '1', '--name', name, REPO]);
    const created = await replica.api<TStackWebhookUrl>(
      'POST',
      `/api/hosts/${host}/containers/${name}/webhooks`,
      { token: replicaToken, body: { pullImage: false, rateLimit: 1 } },
    );
    expect(created.status).toBe(201);
    hook = created.body;
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await replica?.stop();
    await proxy?.stop();
    direct?.disconnect();
    await redis?.drop();
  });

  it('answers from the insurance limiter while Redis is silent, and counts in Redis again once it is back', async () => {
    const rateKey = `berth:webhook-rate:1:${hook.id}`;
    const first = await call(hook.url, PAYLOAD);
    expect(first.status).toBe(202);
    expect(await direct.exists(rateKey)).toBe(1);

    // Redis's machine leaves the network: open connections stay open, nothing comes back.
    proxy.silence();
    const silent = await call(hook.url, PAYLOAD);
    // Counted by this replica alone; the run cannot be queued without Redis: 503, try again.
    expect(silent.status).toBe(503);
    expect(silent.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(silent.body.error.message).toContain('Redis');
    const limited = await call(hook.url, PAYLOAD);
    expect(limited.status).toBe(429);
    expect((await replica.api('GET', '/api/health')).status).toBe(200);

    // Back: with the window's count gone from Redis, a call is taken there (the insurance
    // limiter, full for this minute, would answer 429).
    await proxy.restore();
    const statuses: number[] = [];
    await waitFor(
      async () => {
        // The counts sent while Redis was silent reach it now, after they timed out here.
        await direct.del(rateKey);
        statuses.push((await call(hook.url, PAYLOAD)).status);
        return statuses.at(-1) === 202;
      },
      30_000,
      'a call taken by the Redis limiter',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; answers: ${statuses.join(' ')}`);
    });
    expect(await direct.exists(rateKey)).toBe(1);
    expect(unhandled).toEqual([]);
  }, 90_000);
});

function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
