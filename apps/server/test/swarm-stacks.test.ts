import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  SECRET_MASK,
  type TAuditPage,
  type TSwarmConfigDetail,
  type TSwarmObject,
  type TSwarmObjectList,
  type TSwarmStackDeployed,
  type TServiceWebhookList,
  type TStackWebhookUrl,
  type TSwarmStackKeptSource,
  type TSwarmStackList,
} from '@berth/shared';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost, swarmHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import { callWebhook } from './support/webhook-call.js';
import {
  redisDatabase,
  runWebhookJob,
  testRedisBase,
  webhookJobOf,
} from './support/webhook-jobs.js';

/**
 * Swarm secrets, configs and stacks on the fleet's swarm manager (host e): a stack deployed from a
 * compose file with a secret whose content is read inside its running task, seen by the docker
 * CLI's `docker stack ls`, updated (only the changed service), refused at the line of a key a
 * swarm ignores, removed with everything it made. A service webhook force-updates its service on a
 * valid signature and changes nothing on a bad one; on replicas (Redis) its job run again for the
 * same call (BullMQ's stalled job) updates the service once. The secret's value is in no answer, audit
 * record or log line; a read-only user is refused every change; a host that is no manager says so.
 */
jest.setTimeout(240_000);

const RUN = randomBytes(4).toString('hex');
const IMAGE = fleet().image;
const STACK = `st${RUN}`;
const SECRET_VALUE = `db-password-${RUN}-${randomBytes(8).toString('hex')}`;
const LOOSE_SECRET = `loose-${RUN}`;
const LOOSE_VALUE = `loose-value-${RUN}-${randomBytes(8).toString('hex')}`;
const HOOK_SECRET = `service-hook-${RUN}`;
const sign = (body: string, secret = HOOK_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const swarm = swarmHost();
const e: CliTarget = { host: swarm?.direct ?? '' };

let berth: TestBerth;
let token: string;
let hostE = '';
let hostA = '';

/** The stack's file: `app` reads the secret, `web` is changed by the update; both on `back`. */
function compose(webGreeting: string): string {
  return `services:
  app:
    image: ${IMAGE}
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    secrets: [db_password]
    configs: [{ source: motd, target: /etc/motd }]
    networks: [back]
    deploy:
      replicas: 1
      placement:
        constraints: [node.role == manager]
      labels: [tier=back]
      restart_policy: { condition: on-failure }
      update_config: { parallelism: 1, order: stop-first }
  web:
    image: ${IMAGE}
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    environment:
      GREETING: ${webGreeting}
    networks: [back]
    deploy:
      placement:
        constraints: [node.role == manager]
networks:
  back: {}
secrets:
  db_password: { file: ./db_password.txt }
configs:
  motd: { content: "hello from ${RUN}" }
`;
}

const path = (rest: string, host = hostE) => `/api/hosts/${host}/swarm/${rest}`;

beforeAll(async () => {
  if (!swarm) throw new Error('the fleet has no swarm manager: run scripts/fleet/fleet.sh up');
  berth = await TestBerth.start({ LOG_LEVEL: 'debug' }, { captureLogs: true });
  token = await berth.adminToken();
  hostE = (await berth.addHost(token, swarm.registration)).id;
  hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
});

afterAll(async () => {
  try {
    await docker(e, ['stack', 'rm', STACK, `cli${RUN}`]);
    await docker(e, ['secret', 'rm', LOOSE_SECRET]);
  } finally {
    await berth?.stop();
  }
});

describe('swarm secrets and configs', () => {
  let secretId = '';

  it('creates a secret whose value is never answered', async () => {
    const created = await berth.api<{ id: string }>('POST', path('secrets'), {
      token,
      body: { name: LOOSE_SECRET, value: LOOSE_VALUE, labels: { team: 'ops' } },
    });
    expect(created.status).toBe(201);
    secretId = created.body.id;
    const list = await berth.api<TSwarmObjectList>('GET', path('secrets'), { token });
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        id: secretId,
        name: LOOSE_SECRET,
        labels: { team: 'ops' },
        services: [],
        stack: null,
      }),
    );
    const inspect = await berth.api<TSwarmObject>('GET', path(`secrets/${secretId}`), { token });
    expect(inspect.body).toMatchObject({ id: secretId, name: LOOSE_SECRET, driver: null });
    expect(JSON.stringify([created.body, list.body, inspect.body])).not.toContain(LOOSE_VALUE);
    // A name taken: 409 on the field, without the value.
    const again = await berth.api<{ error: { message: string } }>('POST', path('secrets'), {
      token,
      body: { name: LOOSE_SECRET, value: LOOSE_VALUE },
    });
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).not.toContain(LOOSE_VALUE);
  });

  it('creates a config from base64 and answers its content on inspect', async () => {
    const name = `cfg-${RUN}`;
    const created = await berth.api<{ id: string }>('POST', path('configs'), {
      token,
      body: { name, value: Buffer.from('listen 80\n').toString('base64'), encoding: 'base64' },
    });
    expect(created.status).toBe(201);
    const inspect = await berth.api<TSwarmConfigDetail>('GET', path(`configs/${name}`), {
      token,
    });
    expect(inspect.body).toMatchObject({ name, data: 'listen 80\n' });
    const bad = await berth.api('POST', path('configs'), {
      token,
      body: { name: `${name}-bad`, value: 'not base64!', encoding: 'base64' },
    });
    expect(bad.status).toBe(400);
    expect((await berth.api('DELETE', path(`configs/${name}`), { token })).status).toBe(204);
    expect((await berth.api('GET', path(`configs/${name}`), { token })).status).toBe(404);
  });

  it('removes a secret no service uses', async () => {
    expect((await berth.api('DELETE', path(`secrets/${secretId}`), { token })).status).toBe(204);
    expect(await docker(e, ['secret', 'inspect', LOOSE_SECRET])).toMatchObject({ code: 1 });
  });

  it('says a host that is no swarm manager is not one', async () => {
    const res = await berth.api<{ error: { code: string; message: string } }>(
      'GET',
      path('secrets', hostA),
      {
        token,
      },
    );
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'NOT_A_SWARM_MANAGER',
      message: 'host a is not a swarm manager: its engine is not part of a swarm',
    });
    const deploy = await berth.api<{ error: { code: string } }>('POST', path('stacks', hostA), {
      token,
      body: { name: STACK, compose: compose('hi') },
    });
    expect(deploy.status).toBe(409);
    expect(deploy.body.error.code).toBe('NOT_A_SWARM_MANAGER');
  });
});

describe('swarm stacks', () => {
  const files = { './db_password.txt': SECRET_VALUE };

  it('refuses a key a swarm ignores, naming its path and line', async () => {
    const res = await berth.api<{ error: { code: string; details: { issues: unknown[] } } }>(
      'POST',
      path('stacks'),
      {
        token,
        body: {
          name: STACK,
          compose: `services:\n  app:\n    image: ${IMAGE}\n    restart: always\n`,
        },
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('COMPOSE_INVALID');
    expect(res.body.error.details.issues).toEqual([
      {
        path: 'services.app.restart',
        line: 4,
        message: 'restart is not supported in a swarm stack',
      },
    ]);
  });

  it('deploys a stack that docker stack ls lists, its secret readable inside the task', async () => {
    const res = await berth.api<TSwarmStackDeployed>('POST', path('stacks'), {
      token,
      body: { name: STACK, compose: compose('hello'), files },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: STACK, created: ['app', 'web'], sourceKept: true });
    const ls = await dockerOk(e, ['stack', 'ls', '--format', '{{.Name}} {{.Services}}']);
    expect(ls.split('\n')).toContain(`${STACK} 2`);
    const services = await dockerOk(e, ['stack', 'services', STACK, '--format', '{{.Name}}']);
    expect(services.split('\n').sort()).toEqual([`${STACK}_app`, `${STACK}_web`]);
    expect(
      await dockerOk(e, ['network', 'inspect', '-f', '{{.Driver}} {{.Scope}}', `${STACK}_back`]),
    ).toBe('overlay swarm');
    expect(
      await dockerOk(e, [
        'service',
        'inspect',
        '-f',
        '{{index .Spec.Labels "tier"}}',
        `${STACK}_app`,
      ]),
    ).toBe('back');

    let container = '';
    await waitFor(
      async () => {
        container = (
          await docker(e, [
            'ps',
            '-q',
            '--filter',
            `label=com.docker.swarm.service.name=${STACK}_app`,
            '--filter',
            'status=running',
          ])
        ).stdout.trim();
        return container !== '';
      },
      90_000,
      'the task of app running',
    );
    expect(await dockerOk(e, ['exec', container, 'cat', `/run/secrets/db_password`])).toBe(
      SECRET_VALUE,
    );
    expect(await dockerOk(e, ['exec', container, 'cat', '/etc/motd'])).toBe(`hello from ${RUN}`);

    const list = await berth.api<TSwarmStackList>('GET', path('stacks'), { token });
    const mine = list.body.items.find((s) => s.name === STACK);
    // The config that keeps the stack's file is not one of the stack's own.
    expect(mine).toMatchObject({
      networks: [`${STACK}_back`],
      secrets: [`${STACK}_db_password`],
      configs: [`${STACK}_motd`],
      sourceKept: true,
    });
    expect(mine?.services.map((s) => s.name)).toEqual([`${STACK}_app`, `${STACK}_web`]);
    await waitFor(
      async () => {
        const again = await berth.api<TSwarmStackList>('GET', path('stacks'), { token });
        const stack = again.body.items.find((s) => s.name === STACK);
        return (
          stack?.services.every((s) => s.replicas.running === 1 && s.replicas.desired === 1) ??
          false
        );
      },
      90_000,
      'both services at 1/1',
    );
  });

  it('lists the stack secret with the service that uses it and refuses to remove it', async () => {
    const list = await berth.api<TSwarmObjectList>('GET', path('secrets'), { token });
    const secret = list.body.items.find((s) => s.name === `${STACK}_db_password`);
    expect(secret).toMatchObject({ stack: STACK, services: [{ name: `${STACK}_app` }] });
    const res = await berth.api<{ error: { message: string } }>(
      'DELETE',
      path(`secrets/${secret?.id}`),
      {
        token,
      },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      `secret ${STACK}_db_password is in use by service ${STACK}_app`,
    );
  });

  it('updates only the service whose definition changed', async () => {
    const version = (name: string) =>
      dockerOk(e, ['service', 'inspect', '-f', '{{.Version.Index}}', `${STACK}_${name}`]);
    const appBefore = await version('app');
    const res = await berth.api<TSwarmStackDeployed>('PUT', path(`stacks/${STACK}`), {
      token,
      body: { compose: compose('changed'), files },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      updated: ['web'],
      unchanged: ['app'],
      created: [],
      removed: [],
    });
    expect(await version('app')).toBe(appBefore);
    expect(
      await dockerOk(e, [
        'service',
        'inspect',
        '-f',
        '{{json .Spec.TaskTemplate.ContainerSpec.Env}}',
        `${STACK}_web`,
      ]),
    ).toBe('["GREETING=changed"]');
  });

  it('an update starts from the kept file: secret variables and files masked, kept when sent back masked', async () => {
    const source = () =>
      berth.api<TSwarmStackKeptSource>('GET', path(`stacks/${STACK}/source`), { token });
    const kept = await source();
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      compose: compose('changed'),
      env: [],
      files: { './db_password.txt': SECRET_MASK },
    });
    expect(Number.isNaN(Date.parse(kept.body.keptAt))).toBe(false);

    const greeting = `greeting-${RUN}-${randomBytes(6).toString('hex')}`;
    const withSecret = await berth.api<TSwarmStackDeployed>('PUT', path(`stacks/${STACK}`), {
      token,
      body: {
        compose: compose('${WEB_GREETING}'),
        env: [{ name: 'WEB_GREETING', value: greeting, secret: true }],
        files: kept.body.files,
      },
    });
    expect(withSecret.status).toBe(200);
    expect(withSecret.body).toMatchObject({ updated: ['web'], unchanged: ['app'] });
    const webEnv = () =>
      dockerOk(e, [
        'service',
        'inspect',
        '-f',
        '{{json .Spec.TaskTemplate.ContainerSpec.Env}}',
        `${STACK}_web`,
      ]);
    expect(await webEnv()).toBe(`["GREETING=${greeting}"]`);

    const again = await source();
    expect(again.body.env).toEqual([{ name: 'WEB_GREETING', value: SECRET_MASK, secret: true }]);
    expect(JSON.stringify(again.body)).not.toContain(greeting);
    // Sent back as shown: the kept values are used, so nothing changes.
    const same = await berth.api<TSwarmStackDeployed>('PUT', path(`stacks/${STACK}`), {
      token,
      body: { compose: again.body.compose, env: again.body.env, files: again.body.files },
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ updated: [], unchanged: ['app', 'web'], sourceKept: true });
    expect(await webEnv()).toBe(`["GREETING=${greeting}"]`);

    // One kept file in the swarm, sealed: the engine's copy holds no secret in the clear.
    const ids = (
      await dockerOk(e, [
        'config',
        'ls',
        '-q',
        '--filter',
        `label=com.docker.stack.namespace=${STACK}`,
        '--filter',
        'label=berth.swarm-stack.source',
      ])
    )
      .split('\n')
      .filter(Boolean);
    expect(ids).toHaveLength(1);
    const data = Buffer.from(
      await dockerOk(e, ['config', 'inspect', '-f', '{{json .Spec.Data}}', ids[0]!]).then(
        (json) => JSON.parse(json) as string,
      ),
      'base64',
    ).toString('utf8');
    expect(data).toMatch(/^v1\./);
    expect(data).not.toContain(greeting);
    expect(data).not.toContain(SECRET_VALUE);

    // A masked file with nothing kept under its path is refused at its field.
    const unknownFile = await berth.api<{ error: { details: { issues: unknown[] } } }>(
      'PUT',
      path(`stacks/${STACK}`),
      {
        token,
        body: { compose: again.body.compose, files: { './other.txt': SECRET_MASK } },
      },
    );
    expect(unknownFile.status).toBe(400);
    expect(unknownFile.body.error.details.issues).toEqual([
      { path: 'files../other.txt', message: 'no kept content to reuse: give the file again' },
    ]);
  });

  it('a service webhook force-updates the service on a valid signature, never on a bad one', async () => {
    const service = `${STACK}_web`;
    const hooks = `/api/hosts/${hostE}/services/${service}/webhooks`;
    const created = await berth.api<TStackWebhookUrl>('POST', hooks, {
      token,
      body: { secret: HOOK_SECRET },
    });
    expect(created.status).toBe(201);
    const list = await berth.api<TServiceWebhookList>('GET', hooks, { token });
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, service, signed: true, pullImage: true }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.url.split('/').pop());
    const forced = () =>
      dockerOk(e, ['service', 'inspect', '-f', '{{.Spec.TaskTemplate.ForceUpdate}}', service]);
    const before = await forced();
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const bad = await callWebhook(created.body.url, body, {
      'x-hub-signature-256': sign(body, 'not-the-secret'),
    });
    expect(bad.status).toBe(401);
    expect((await callWebhook(created.body.url, body)).status).toBe(401);
    expect(await forced()).toBe(before);
    const good = await callWebhook(created.body.url, body, { 'x-hub-signature-256': sign(body) });
    expect(good.status).toBe(202);
    expect(good.body).toEqual({ service, status: 'running' });
    await waitFor(
      async () => (await forced()) === String(Number(before) + 1),
      90_000,
      'the forced update',
    );
    // The image is in no registry: it keeps its reference.
    expect(
      await dockerOk(e, [
        'service',
        'inspect',
        '-f',
        '{{.Spec.TaskTemplate.ContainerSpec.Image}}',
        service,
      ]),
    ).toBe(IMAGE);
    const rotated = await berth.api<TStackWebhookUrl>(
      'POST',
      `${hooks}/${created.body.id}/rotate`,
      { token },
    );
    expect(rotated.status).toBe(200);
    const sig = { 'x-hub-signature-256': sign(body) };
    expect((await callWebhook(created.body.url, body, sig)).status).toBe(404);
    expect((await berth.api('DELETE', `${hooks}/${created.body.id}`, { token })).status).toBe(204);
    expect((await callWebhook(rotated.body.url, body, sig)).status).toBe(404);
  });

  (testRedisBase ? it : it.skip)(
    'a service webhook job run twice for the same call updates the service once (replicas on Redis)',
    async () => {
      const service = `${STACK}_web`;
      const redis = await redisDatabase();
      const replica = await TestBerth.start({ REDIS_URL: redis.url });
      try {
        const replicaToken = await replica.adminToken();
        const host = (await replica.addHost(replicaToken, swarm!.registration)).id;
        const run = await webhookJobOf(
          replica,
          replicaToken,
          `/api/hosts/${host}/services/${service}/webhooks`,
          host,
          service,
        );
        const forced = async () =>
          Number(
            await dockerOk(e, [
              'service',
              'inspect',
              '-f',
              '{{.Spec.TaskTemplate.ForceUpdate}}',
              service,
            ]),
          );
        const before = await forced();
        const runId = randomBytes(8).toString('hex');
        await runWebhookJob(redis.url, 'service', runId, run);
        expect(await forced()).toBe(before + 1);
        await runWebhookJob(redis.url, 'service', runId, run);
        expect(await forced()).toBe(before + 1);
        const audit = await replica.api<TAuditPage>('GET', '/api/audit?limit=100', {
          token: replicaToken,
        });
        const updates = audit.body.items.filter(
          (r) => r.action === 'service.update' && r.actor.type === 'webhook',
        );
        expect(updates.map((r) => [r.outcome, r.details?.resumed])).toEqual([
          ['success', 'done'],
          ['success', undefined],
        ]);
      } finally {
        await replica.stop();
        await redis.drop();
      }
    },
  );

  it('refuses every change to a read-only user, who still sees the stacks', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostE, 'read-only');
    const as = { token: reader };
    expect((await berth.api('GET', path('stacks'), as)).status).toBe(200);
    expect((await berth.api('GET', path('secrets'), as)).status).toBe(200);
    const changes: [string, string, unknown?][] = [
      ['POST', path('secrets'), { name: `r-${RUN}`, value: 'x' }],
      ['DELETE', path(`secrets/${STACK}_db_password`)],
      ['POST', path('configs'), { name: `r-${RUN}`, value: 'x' }],
      ['DELETE', path(`configs/${STACK}_motd`)],
      ['POST', path('stacks'), { name: `r${RUN}`, compose: compose('x') }],
      ['PUT', path(`stacks/${STACK}`), { compose: compose('x') }],
      ['DELETE', path(`stacks/${STACK}`)],
      ['POST', `/api/hosts/${hostE}/services/${STACK}_web/webhooks`, {}],
    ];
    for (const [method, url, body] of changes) {
      const res = await berth.api(method, url, { ...as, ...(body ? { body } : {}) });
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 403 });
    }
  });

  it('removes the stack: services, network, secret and config gone', async () => {
    const res = await berth.api('DELETE', path(`stacks/${STACK}`), { token });
    expect(res.status).toBe(204);
    const label = `label=com.docker.stack.namespace=${STACK}`;
    expect(await dockerOk(e, ['service', 'ls', '-q', '--filter', label])).toBe('');
    // The network goes once the last task's container has stopped.
    await waitFor(
      async () => (await dockerOk(e, ['network', 'ls', '-q', '--filter', label])) === '',
      60_000,
      'the stack network gone',
    );
    expect(await dockerOk(e, ['secret', 'ls', '-q', '--filter', label])).toBe('');
    expect(await dockerOk(e, ['config', 'ls', '-q', '--filter', label])).toBe('');
    expect(await dockerOk(e, ['stack', 'ls', '--format', '{{.Name}}'])).not.toContain(STACK);
    expect((await berth.api('DELETE', path(`stacks/${STACK}`), { token })).status).toBe(404);
  });

  it('lists a stack deployed with docker stack deploy, and removes it', async () => {
    const cli = `cli${RUN}`;
    await dockerOk(e, ['stack', 'deploy', '-c', '-', cli], {
      input: `version: "3.8"\nservices:\n  one:\n    image: ${IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    deploy:\n      placement:\n        constraints: [node.role == manager]\n`,
    });
    const list = await berth.api<TSwarmStackList>('GET', path('stacks'), { token });
    expect(list.body.items.find((s) => s.name === cli)).toMatchObject({
      services: [expect.objectContaining({ name: `${cli}_one`, mode: 'replicated' })],
      networks: [`${cli}_default`],
      sourceKept: false,
    });
    expect((await berth.api('GET', path(`stacks/${cli}/source`), { token })).status).toBe(404);
    expect((await berth.api('DELETE', path(`stacks/${cli}`), { token })).status).toBe(204);
    expect(await dockerOk(e, ['stack', 'ls', '--format', '{{.Name}}'])).not.toContain(cli);
  });

  it('audits every change, with no secret value in any record or log line', async () => {
    const audit = await berth.api<TAuditPage>('GET', `/api/audit?limit=500&hostId=${hostE}`, {
      token,
    });
    const actions = audit.body.items.map((r) => `${r.action} ${r.outcome}`);
    for (const action of [
      'swarm.secret_create success',
      'swarm.secret_create failure',
      'swarm.secret_create denied',
      'swarm.secret_remove success',
      'swarm.secret_remove failure',
      'swarm.config_create success',
      'swarm.config_remove success',
      'swarm.stack_deploy success',
      'swarm.stack_deploy denied',
      'swarm.stack_remove success',
      'swarm.stack_remove denied',
      'service.webhook.create success',
      'service.webhook.rotate success',
      'service.webhook.revoke success',
      'service.webhook.trigger denied',
      'service.webhook.trigger success',
    ]) {
      expect(actions).toContain(action);
    }
    expect(
      audit.body.items.filter((r) => r.action === 'swarm.stack_deploy' && r.outcome === 'success'),
    ).toEqual([
      // Newest first: the update sent back as shown, the secret variable, the changed file.
      expect.objectContaining({
        target: STACK,
        details: expect.objectContaining({ updated: [], unchanged: ['app', 'web'] }),
      }),
      expect.objectContaining({
        target: STACK,
        details: expect.objectContaining({ updated: ['web'] }),
      }),
      expect.objectContaining({
        target: STACK,
        details: expect.objectContaining({ updated: ['web'] }),
      }),
      expect.objectContaining({
        target: STACK,
        details: expect.objectContaining({ created: ['app', 'web'] }),
      }),
    ]);
    expect(
      audit.body.items.filter(
        (r) =>
          r.action === 'service.update' && r.actor.type === 'webhook' && r.outcome === 'success',
      ),
    ).toHaveLength(1);
    expect(berth.logs.length).toBeGreaterThan(0);
    const text = JSON.stringify(audit.body.items) + berth.logs.join('\n');
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(LOOSE_VALUE);
    expect(text).not.toContain(HOOK_SECRET);
    expect(text).not.toContain(Buffer.from(LOOSE_VALUE).toString('base64'));
  });
});
