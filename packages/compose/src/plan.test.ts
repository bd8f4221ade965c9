import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { loadProject } from './load-project.js';
import { type ComposeProject } from './model.js';
import { type ObservedProject, type PlanStep, planDown, planUp } from './plan.js';
import { serviceConfigHash } from './service-hash.js';

const DEPENDENCIES = readFileSync(
  new URL('../fixtures/04-dependencies/compose.yaml', import.meta.url),
  'utf8',
);

function load(content: string): ComposeProject {
  const result = loadProject({ projectName: 'deps', files: [{ name: 'compose.yaml', content }] });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.project;
}

function hashes(project: ComposeProject) {
  return Object.fromEntries(
    Object.values(project.services).map((s) => [
      s.name,
      serviceConfigHash(s, project, () => undefined),
    ]),
  );
}

const options = (project: ComposeProject) => ({
  configHashes: hashes(project),
  configFiles: ['compose.yaml'],
  composeVersion: '2.0.0',
});

const IMAGE_ID = 'sha256:aaa';

/** What the host would show after `planUp` of `project` ran to the end. */
function running(project: ComposeProject): ObservedProject {
  const configHashes = hashes(project);
  return {
    containers: Object.values(project.services).flatMap((s) =>
      Array.from({ length: s.replicas }, (_, i) => ({
        id: `${s.name}${i + 1}`.padEnd(64, '0'),
        name: `deps-${s.name}-${i + 1}`,
        service: s.name,
        number: i + 1,
        configHash: configHashes[s.name] ?? '',
        imageId: IMAGE_ID,
        state: s.name === 'migrate' ? ('exited' as const) : ('running' as const),
        exitCode: 0,
        oneoff: false,
      })),
    ),
    networks: Object.values(project.networks).map((n) => n.name),
    volumes: Object.values(project.volumes).map((v) => v.name),
    images: { 'local/busybox:latest': IMAGE_ID },
  };
}

const EMPTY: ObservedProject = { containers: [], networks: [], volumes: [], images: {} };

function step(steps: PlanStep[], id: string): PlanStep {
  const found = steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id} in ${steps.map((s) => s.id).join(', ')}`);
  return found;
}

/** Every step's prerequisites, followed to the start. */
function ancestors(steps: PlanStep[], id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (current: string) => {
    for (const before of step(steps, current).after) {
      if (!seen.has(before)) {
        seen.add(before);
        visit(before);
      }
    }
  };
  visit(id);
  return seen;
}

describe('planUp', () => {
  it('creates the default network, pulls the missing image once and starts in dependency order', () => {
    const project = load(DEPENDENCIES);
    const { steps, recreated } = planUp(project, EMPTY, options(project));
    expect(recreated).toEqual([]);
    expect(steps.filter((s) => s.kind === 'pull-image')).toHaveLength(1);
    expect(step(steps, 'network:default')).toMatchObject({ network: 'deps_default', after: [] });
    expect(step(steps, 'create:app-1')).toMatchObject({ name: 'deps-app-1' });
    expect(step(steps, 'create:app-1').after.sort()).toEqual([
      'network:default',
      'pull:local/busybox:latest',
    ]);
    const appStart = ancestors(steps, 'start:app-1');
    expect(appStart).toContain('wait:service_completed_successfully:deps-migrate-1');
    expect(appStart).toContain('wait:service_healthy:deps-db-1');
    expect(appStart).toContain('start:cache-1');
    expect(ancestors(steps, 'start:worker-1')).toContain('start:app-1');
    // Nothing waits on what nobody depends on in that way.
    expect(steps.some((s) => s.id === 'wait:service_healthy:deps-cache-1')).toBe(false);
    // Every step names only steps that exist.
    const ids = new Set(steps.map((s) => s.id));
    expect(ids.size).toBe(steps.length);
    for (const s of steps) for (const before of s.after) expect(ids).toContain(before);
  });

  it('plans nothing for a project that runs as described', () => {
    const project = load(DEPENDENCIES);
    expect(planUp(project, running(project), options(project)).steps).toEqual([]);
  });

  it('recreates only the service whose environment changed, replacing it before removing the old one', () => {
    const before = load(DEPENDENCIES);
    const after = load(
      DEPENDENCIES.replace(
        'command: sleep 3600\n    depends_on: [app]',
        'command: sleep 3600\n    environment: { LEVEL: debug }\n    depends_on: [app]',
      ),
    );
    const { steps, recreated } = planUp(after, running(before), options(after));
    expect(recreated).toEqual([{ service: 'worker', number: 1, reason: 'config hash changed' }]);
    expect(steps.map((s) => s.id)).toEqual([
      'create:worker-1',
      'stop:worker-1',
      'remove:worker-1',
      'rename:worker-1',
      'start:worker-1',
    ]);
    expect(step(steps, 'create:worker-1')).toMatchObject({
      name: `${'worker1'.padEnd(12, '0')}_deps-worker-1`,
      replaces: { name: 'deps-worker-1', reason: 'config hash changed' },
    });
    expect(step(steps, 'rename:worker-1')).toMatchObject({ to: 'deps-worker-1' });
    expect(step(steps, 'stop:worker-1').after).toEqual(['create:worker-1']);
  });

  it('recreates a container whose image is no longer the one its reference points to', () => {
    const project = load(DEPENDENCIES);
    const observed = running(project);
    observed.images['local/busybox:latest'] = 'sha256:bbb';
    const { recreated } = planUp(project, observed, options(project));
    expect(recreated.map((r) => r.reason)).toEqual(Array(5).fill('image changed'));
  });

  it('starts a stopped container without recreating it and leaves a finished one-shot alone', () => {
    const project = load(DEPENDENCIES);
    const observed = running(project);
    const cache = observed.containers.find((c) => c.service === 'cache');
    if (!cache) throw new Error('no cache');
    cache.state = 'exited';
    cache.exitCode = 137;
    expect(planUp(project, observed, options(project)).steps.map((s) => s.id)).toEqual([
      'start:cache-1',
    ]);
  });

  it('scales up and down by container number', () => {
    const two = load('services:\n  web:\n    image: a\n    deploy: { replicas: 2 }\n');
    const three = load('services:\n  web:\n    image: a\n    deploy: { replicas: 3 }\n');
    const one = load('services:\n  web:\n    image: a\n    deploy: { replicas: 1 }\n');
    const observed = { ...running(two), images: { a: IMAGE_ID } };
    expect(planUp(three, observed, options(three)).steps.map((s) => s.id)).toEqual([
      'create:web-3',
      'start:web-3',
    ]);
    expect(planUp(one, observed, options(one)).steps.map((s) => s.id)).toEqual([
      'stop:deps-web-2',
      'remove:deps-web-2',
    ]);
  });

  it('removes orphans only when asked, and never one-off containers', () => {
    const project = load(DEPENDENCIES);
    const observed = running(project);
    const orphan = {
      ...observed.containers[0]!,
      id: 'o'.repeat(64),
      name: 'deps-old-1',
      service: 'old',
    };
    observed.containers.push(orphan, {
      ...orphan,
      id: 'r'.repeat(64),
      name: 'deps-run-1',
      oneoff: true,
    });
    expect(planUp(project, observed, options(project)).steps).toEqual([]);
    const { steps } = planUp(project, observed, { ...options(project), removeOrphans: true });
    expect(steps.map((s) => s.id)).toEqual(['stop:deps-old-1', 'remove:deps-old-1']);
  });

  it('pulls by policy: always even when present, never when never', () => {
    const always = load('services:\n  web:\n    image: a\n    pull_policy: always\n');
    const observed = { ...running(always), images: { a: IMAGE_ID } };
    expect(planUp(always, observed, options(always)).steps.map((s) => s.id)).toEqual(['pull:a']);
    expect(planUp(always, observed, { ...options(always), skipPull: true }).steps).toEqual([]);
    const never = load('services:\n  web:\n    image: a\n    pull_policy: never\n');
    expect(planUp(never, EMPTY, options(never)).steps.some((s) => s.kind === 'pull-image')).toBe(
      false,
    );
  });

  it('connects further networks after create and creates named volumes first', () => {
    const project = load(
      'services:\n  web:\n    image: a\n    networks: [front, back]\n    volumes: [data:/data]\nnetworks: { front: {}, back: {} }\nvolumes: { data: {} }\n',
    );
    const { steps } = planUp(project, EMPTY, options(project));
    expect(step(steps, 'create:web-1').after.sort()).toEqual([
      'network:back',
      'network:front',
      'pull:a',
      'volume:data',
    ]);
    expect(step(steps, 'connect:web-1:deps_front').after).toEqual(['create:web-1']);
    expect(step(steps, 'start:web-1').after).toEqual(['connect:web-1:deps_front']);
    expect(step(steps, 'volume:data')).toMatchObject({
      volume: 'deps_data',
      labels: { 'com.docker.compose.project': 'deps', 'com.docker.compose.volume': 'data' },
    });
  });
});

describe('planUp with build', () => {
  const BUILT = 'sha256:built';
  const compose =
    'services:\n  web:\n    build:\n      context: ./app\n      dockerfile: Web.Dockerfile\n      args: { MODE: prod }\n      target: run\n  named:\n    image: registry.test/named:1\n    build: ./named\n';

  it('builds each image before its containers are created, tagged as Compose v2 does, and pulls none', () => {
    const project = load(compose);
    const { steps } = planUp(project, EMPTY, options(project));
    expect(steps.some((s) => s.kind === 'pull-image')).toBe(false);
    expect(step(steps, 'build:web')).toMatchObject({
      kind: 'build-image',
      after: [],
      image: 'deps-web',
      build: {
        context: '/app',
        dockerfile: 'Web.Dockerfile',
        args: { MODE: 'prod' },
        target: 'run',
      },
    });
    expect(step(steps, 'build:named')).toMatchObject({ image: 'registry.test/named:1' });
    expect(step(steps, 'create:web-1').after).toContain('build:web');
    expect(step(steps, 'create:named-1').after).toContain('build:named');
    expect(step(steps, 'create:web-1')).toMatchObject({ create: { body: { Image: 'deps-web' } } });
  });

  it('after the builds, keeps containers whose image came out the same and recreates the others', () => {
    const project = load(compose);
    const before = running(project);
    const same = { ...before, images: { 'deps-web': IMAGE_ID, 'registry.test/named:1': IMAGE_ID } };
    const built = { ...options(project), skipBuild: true, skipPull: true };
    expect(planUp(project, same, built).steps).toEqual([]);
    const changed = { ...same, images: { ...same.images, 'deps-web': BUILT } };
    const { steps, recreated } = planUp(project, changed, built);
    expect(recreated).toEqual([{ service: 'web', number: 1, reason: 'image changed' }]);
    expect(
      steps.some((s) => s.kind === 'build-image' || ('service' in s && s.service === 'named')),
    ).toBe(false);
  });
});

describe('planDown', () => {
  it('removes containers, then the project networks, and volumes only when asked', () => {
    const project = load(DEPENDENCIES);
    const observed = {
      containers: running(project).containers,
      networks: [{ name: 'deps_default', project: 'deps' }, { name: 'shared' }],
      volumes: [{ name: 'deps_data', project: 'deps' }],
    };
    const kept = planDown('deps', observed, { volumes: false }).steps;
    expect(kept.filter((s) => s.kind === 'remove-container')).toHaveLength(5);
    expect(kept.filter((s) => s.kind === 'remove-network').map((s) => s.id)).toEqual([
      'remove-network:deps_default',
    ]);
    expect(kept.some((s) => s.kind === 'remove-volume')).toBe(false);
    const all = planDown('deps', observed, { volumes: true }).steps;
    expect(step(all, 'remove-volume:deps_data').after).toHaveLength(5);
  });
});
