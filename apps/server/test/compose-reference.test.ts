import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type ComposePlan, loadProject } from '@berth/compose';
import type { EngineClient } from '../src/docker/engine-client.js';
import { EngineRegistry } from '../src/hosts/engine-registry.js';
import { observe, upPlan } from '../src/stacks/stack-compose.js';
import { runPlan } from '../src/stacks/stack-runner.js';
import {
  dockerCompose,
  fixtureFiles,
  inBatches,
  type ProjectSnapshot,
  readFixtureFile,
  removeProject,
  snapshot,
} from './support/compose-reference.js';
import { type CliTarget, dockerOk } from './support/docker-cli.js';
import { fleetHost } from './support/fleet.js';

/**
 * The reference comparison: each compose fixture of packages/compose is deployed by Berth's compose
 * engine and stack runner on host a and by Debian's docker-compose 1.29.2 on host b, and the
 * containers, networks and volumes both made are compared, names normalised (v1 `p_web_1`, v2
 * `p-web-1`). Left out: 07-build (images built, not deployed), 11-ipv6 (the fleet engines have no
 * IPv6) and 12-configs (docker-compose ignores configs outside a swarm).
 */
jest.setTimeout(300_000);

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../packages/compose/fixtures',
);
const COMPARED = [
  '01-web',
  '02-volumes',
  '03-networks',
  '04-dependencies',
  '05-resources',
  '06-security',
  '08-secrets',
  '09-profiles-extends',
  '10-external',
];
/**
 * Created but not started by either tool: the fleet's engines refuse a privileged container its
 * capabilities, and what is compared is how each tool creates the containers.
 */
const CREATE_ONLY = new Set(['06-security']);
const EXTERNAL = { networks: ['fixture-external-net'], volumes: ['fixture-external-data'] };
const RUN = randomBytes(3).toString('hex');
const projectOf = (dir: string) => `ref${RUN}f${dir.slice(0, 2)}`;

const berthSocket = fleetHost('a').direct;
const referenceSocket = fleetHost('b').direct;
const berthHost: CliTarget = { host: berthSocket };
const referenceHost: CliTarget = { host: referenceSocket };
let client: EngineClient;
/** What each tool made of a fixture, or why a deployment failed. */
const snapshots = new Map<
  string,
  { berth: ProjectSnapshot; reference: ProjectSnapshot } | { error: string }
>();

function compared(dir: string): { berth: ProjectSnapshot; reference: ProjectSnapshot } {
  const found = snapshots.get(dir);
  if (!found) throw new Error(`${dir} was not deployed`);
  if ('error' in found) throw new Error(found.error);
  return found;
}

/** `up` of the fixture as a Berth stack runs it: load, observe, plan, run the plan's steps. */
async function berthUp(dir: string, project: string): Promise<void> {
  const folder = join(FIXTURES, dir);
  const loaded = loadProject({
    projectName: project,
    workingDir: folder,
    files: fixtureFiles(folder).map((name) => ({
      name,
      content: readFileSync(join(folder, name), 'utf8'),
    })),
    readFile: readFixtureFile,
  });
  if (!loaded.ok) throw new Error(`${dir}: ${JSON.stringify(loaded.issues)}`);
  const planned = upPlan(loaded.project, await observe(client, loaded.project), true);
  const plan = CREATE_ONLY.has(dir) ? createOnly(planned) : planned;
  const engine = { hostId: 'a', name: 'a', client, status: 'up' as const };
  const noEvents = { started: () => undefined, done: () => undefined, failed: () => undefined };
  const result = await runPlan(
    engine,
    plan,
    {
      pull: (image) => Promise.reject(new Error(`${image} should be on the host already`)),
      build: (step) => Promise.reject(new Error(`${step.image} should be on the host already`)),
    },
    noEvents,
    {},
  );
  if (!result.ok) throw new Error(`${dir}: step ${result.failedStep} failed: ${result.error}`);
}

/** The plan without its start and wait steps, as `up --no-start`. */
function createOnly(plan: ComposePlan): ComposePlan {
  const skipped = new Set(
    plan.steps
      .filter((s) => s.kind === 'start-container' || s.kind === 'wait-container')
      .map((s) => s.id),
  );
  return {
    ...plan,
    steps: plan.steps
      .filter((s) => !skipped.has(s.id))
      .map((s) => ({ ...s, after: s.after.filter((id) => !skipped.has(id)) })),
  };
}

async function ensureExternal(target: CliTarget): Promise<void> {
  const nets = await dockerOk(target, [
    'network',
    'ls',
    '-q',
    '--filter',
    'name=^fixture-external-net$',
  ]);
  if (!nets) await dockerOk(target, ['network', 'create', 'fixture-external-net']);
  await dockerOk(target, ['volume', 'create', 'fixture-external-data']);
}

beforeAll(async () => {
  client = EngineRegistry.connect(berthSocket, {}, { skipVerify: false, sshHostKey: null });
  await Promise.all([ensureExternal(berthHost), ensureExternal(referenceHost)]);
  await inBatches(COMPARED, 3, async (dir) => {
    const project = projectOf(dir);
    const deployed = await Promise.all([
      berthUp(dir, project),
      dockerCompose(referenceSocket, join(FIXTURES, dir), project, [
        'up',
        CREATE_ONLY.has(dir) ? '--no-start' : '--detach',
        '--no-build',
      ]),
    ]).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    if (deployed !== undefined) {
      snapshots.set(dir, { error: deployed });
      return;
    }
    const external = dir === '10-external' ? EXTERNAL : undefined;
    const [berth, reference] = await Promise.all([
      snapshot(berthHost, project, external),
      snapshot(referenceHost, project, external),
    ]);
    snapshots.set(dir, { berth, reference });
  });
});

afterAll(async () => {
  try {
    await inBatches(COMPARED, 3, async (dir) => {
      await Promise.all([
        removeProject(berthHost, projectOf(dir)),
        removeProject(referenceHost, projectOf(dir)),
      ]);
    });
  } finally {
    client?.close();
  }
});

describe('Berth and docker-compose 1.29.2 make the same project from each fixture', () => {
  it.each(COMPARED)('%s: containers match', (dir) => {
    const { berth, reference } = compared(dir);
    expect(Object.keys(berth.containers).length).toBeGreaterThan(0);
    expect(berth.containers).toEqual(reference.containers);
  });

  it.each(COMPARED)('%s: networks and volumes match', (dir) => {
    const { berth, reference } = compared(dir);
    expect(berth.networks).toEqual(reference.networks);
    expect(berth.volumes).toEqual(reference.volumes);
  });

  it("docker-compose ps on Berth's host lists the containers Berth made", async () => {
    const project = projectOf('04-dependencies');
    const made = (
      await dockerOk(berthHost, [
        'ps',
        '-aq',
        '--no-trunc',
        '--filter',
        `label=com.docker.compose.project=${project}`,
      ])
    )
      .split('\n')
      .sort();
    expect(made).toHaveLength(5);
    const listed = await dockerCompose(berthSocket, join(FIXTURES, '04-dependencies'), project, [
      'ps',
      '-q',
      '--all',
    ]);
    expect(listed.split('\n').filter(Boolean).sort()).toEqual(made);
    const table = await dockerCompose(berthSocket, join(FIXTURES, '04-dependencies'), project, [
      'ps',
      '--services',
    ]);
    expect(table.split('\n').filter(Boolean).sort()).toEqual([
      'app',
      'cache',
      'db',
      'migrate',
      'worker',
    ]);
  });

  it('the comparison sees a difference: another env value on one side fails it', () => {
    const { berth, reference } = compared('01-web');
    const changed = structuredClone(berth.containers) as Record<string, { env: string[] }>;
    const web = Object.values(changed)[0]!;
    web.env = web.env.map((e) => (e.startsWith('MODE=') ? 'MODE=staging' : e));
    expect(changed).not.toEqual(reference.containers);
  });
});
