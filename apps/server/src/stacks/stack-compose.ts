import {
  type ComposePlan,
  type ComposeProject,
  dependencyOrder,
  loadProject,
  planDown,
  planUp,
  serviceConfigHash,
} from '@berth/compose';
import type { TStackEnvEntry } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { EngineClient } from '../docker/engine-client.js';
import { type ProjectResources, observeProject } from './stack-observer.js';

/** The `com.docker.compose.version` Berth's containers carry: the Compose v2 conventions it follows. */
export const COMPOSE_VERSION = '2.29.0';
const CONFIG_FILE = 'compose.yaml';

/** Where relative paths of a stack's compose file resolve on its host. */
export function stackWorkingDir(name: string): string {
  return `/var/lib/berth/stacks/${name}`;
}

/** The normalised project of a stack, or 400 COMPOSE_INVALID listing `{path, line, message}`. */
export function loadStack(name: string, compose: string, env: TStackEnvEntry[]): ComposeProject {
  const result = loadProject({
    projectName: name,
    files: [{ name: CONFIG_FILE, content: compose }],
    environment: Object.fromEntries(env.map((e) => [e.name, e.value])),
    workingDir: stackWorkingDir(name),
  });
  if (result.ok) return result.project;
  const issues = result.issues.map(({ path, line, message }) => ({ path, line, message }));
  const first = issues[0];
  throw new AppError(
    'COMPOSE_INVALID',
    first
      ? `line ${first.line}: ${first.path ? `${first.path}: ` : ''}${first.message}`
      : 'invalid compose file',
    { issues },
  );
}

function imagesOf(project: ComposeProject): string[] {
  return [...new Set(Object.values(project.services).flatMap((s) => (s.image ? [s.image] : [])))];
}

export function observe(client: EngineClient, project: ComposeProject): Promise<ProjectResources> {
  return observeProject(client, project.name, imagesOf(project));
}

/** `up`: the plan for what runs now (pulls included unless `skipPull`). */
export function upPlan(
  project: ComposeProject,
  observed: ProjectResources,
  skipPull = false,
): ComposePlan {
  const configHashes = Object.fromEntries(
    Object.values(project.services).map((s) => [
      s.name,
      serviceConfigHash(s, project, () => undefined),
    ]),
  );
  return planUp(project, observed, {
    configHashes,
    configFiles: [`${stackWorkingDir(project.name)}/${CONFIG_FILE}`],
    composeVersion: COMPOSE_VERSION,
    removeOrphans: true,
    skipPull,
  });
}

/** Only the pulls of an up plan: run first, so the rest is planned against the pulled images. */
export function pullsOnly(plan: ComposePlan): ComposePlan {
  return { ...plan, steps: plan.steps.filter((s) => s.kind === 'pull-image') };
}

export function downPlan(name: string, observed: ProjectResources, volumes: boolean): ComposePlan {
  return planDown(
    name,
    {
      containers: observed.containers.filter((c) => !c.oneoff),
      networks: observed.labelledNetworks,
      volumes: observed.labelledVolumes,
    },
    { volumes },
  );
}

/** Stop every running container of the project, all at once. */
export function stopPlan(name: string, observed: ProjectResources): ComposePlan {
  return {
    project: name,
    recreated: [],
    steps: observed.containers
      .filter(
        (c) =>
          !c.oneoff && (c.state === 'running' || c.state === 'restarting' || c.state === 'paused'),
      )
      .map((c) => ({
        id: `stop:${c.name}`,
        after: [],
        kind: 'stop-container' as const,
        service: c.service,
        name: c.name,
        containerId: c.id,
      })),
  };
}

/** Start the project's stopped containers, each service after the ones it depends on. */
export function startPlan(project: ComposeProject, observed: ProjectResources): ComposePlan {
  const steps: ComposePlan['steps'] = [];
  let previous: string[] = [];
  for (const service of dependencyOrder(project)) {
    const ids: string[] = [];
    for (const c of observed.containers.filter((c) => c.service === service.name && !c.oneoff)) {
      if (c.state === 'running') continue;
      const id = `start:${c.name}`;
      steps.push({
        id,
        after: previous,
        kind: 'start-container',
        service: c.service,
        name: c.name,
      });
      ids.push(id);
    }
    if (ids.length > 0) previous = ids;
  }
  return { project: project.name, recreated: [], steps };
}
