import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ErrorBody,
  TAuditPage,
  TStack,
  TStackDeployResponse,
  TStackPlan,
} from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { settledDeployment, stackDeployments } from './support/stack-deployments.js';

/**
 * A stack created from an uploaded compose file and `.env` on host a of the real fleet (typed
 * variables win over the file's; a `.env` that does not parse is a 400 on envFile), and a secret
 * variable masked everywhere: in the stack, its plan, a failed deployment's output, failed step
 * and plan, the audit log and Berth's own log, even when the secret is what the engine fails on.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const UPLOADED = `up-${RUN}`;
const LEAKY = `sec-${RUN}`;
/** A secret that ends up as an image name: a pull of it fails, naming it. */
const SECRET = `127.0.0.1:5999/hush-${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };

let berth: TestBerth;
let token: string;
let hostId = '';

beforeAll(async () => {
  berth = await TestBerth.start({ LOG_LEVEL: 'debug' }, { captureLogs: true });
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
});

afterAll(async () => {
  try {
    for (const name of [UPLOADED, LEAKY]) {
      await removeLabelled(direct, `com.docker.compose.project=${name}`);
      await docker(direct, ['network', 'rm', `${name}_default`]);
    }
  } finally {
    await berth?.stop();
  }
});

describe('a stack from an uploaded compose file and .env', () => {
  const compose = `services:\n  app:\n    image: ${fleet().image}\n    command: sleep 3600\n    environment:\n      A: \${A}\n      B: \${B}\n`;

  it('refuses a .env that does not parse with 400 on envFile, creating nothing', async () => {
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks`, {
      token,
      body: { name: UPLOADED, compose, envFile: 'A=${MISSING:?is required}\n' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues?.map((i) => i.path)).toEqual(['envFile']);
    const list = await berth.api<{ items: { name: string }[] }>('GET', '/api/stacks', { token });
    expect(list.body.items.map((s) => s.name)).not.toContain(UPLOADED);
  });

  it('deploys with the file variables, the typed ones winning, and says it was uploaded', async () => {
    const res = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
      token,
      body: {
        name: UPLOADED,
        compose,
        source: 'upload',
        envFile: '# from the upload\nA=from-file\nB="two words"\n',
        env: [{ name: 'A', value: 'typed', secret: false }],
      },
    });
    expect(res.status).toBe(201);
    const done = await settledDeployment(berth, token, res.body.id, res.body.deploymentId);
    expect(done.status).toBe('succeeded');
    const env = await dockerOk(direct, [
      'inspect',
      '-f',
      '{{range .Config.Env}}{{.}};{{end}}',
      `${UPLOADED}-app-1`,
    ]);
    expect(env).toContain('A=typed;');
    expect(env).toContain('B=two words;');
    const stack = await berth.api<TStack>('GET', `/api/stacks/${res.body.id}`, { token });
    expect(stack.body.source).toBe('upload');
    expect(stack.body.env).toEqual([
      { name: 'A', value: 'typed', secret: false },
      { name: 'B', value: 'two words', secret: false },
    ]);
  });
});

describe('a secret variable', () => {
  it('is masked in the stack, its plan, a failed deployment, the audit log and the server log', async () => {
    const res = await berth.api<TStackDeployResponse>('POST', `/api/hosts/${hostId}/stacks`, {
      token,
      body: {
        name: LEAKY,
        compose: 'services:\n  app:\n    image: ${IMAGE}\n',
        env: [{ name: 'IMAGE', value: SECRET, secret: true }],
      },
    });
    expect(res.status).toBe(201);
    const stackId = res.body.id;
    const failed = await settledDeployment(berth, token, stackId, res.body.deploymentId);
    expect(failed.status).toBe('failed');
    expect(failed.output).toContain('********');
    const plan = await berth.api<TStackPlan>('POST', `/api/stacks/${stackId}/plan`, {
      token,
      body: {},
    });
    expect(plan.status).toBe(200);
    expect(JSON.stringify(plan.body)).toContain('********');
    const stack = await berth.api<TStack>('GET', `/api/stacks/${stackId}`, { token });
    expect(stack.body.env).toEqual([{ name: 'IMAGE', value: '********', secret: true }]);
    const audit = await berth.api<TAuditPage>('GET', '/api/audit?limit=500', { token });
    expect(audit.body.items.some((e) => e.target === LEAKY)).toBe(true);

    const seen = {
      stack: JSON.stringify(stack.body),
      plan: JSON.stringify(plan.body),
      deployments: JSON.stringify(await stackDeployments(berth, token, stackId)),
      audit: JSON.stringify(audit.body),
      log: berth.logs.join('\n'),
    };
    for (const [where, text] of Object.entries(seen)) {
      expect({ where, leaks: text.includes(`hush-${RUN}`) }).toEqual({ where, leaks: false });
    }
  });
});
