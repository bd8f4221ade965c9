import { posix } from 'node:path';
import {
  type CheckoutObject,
  type ComposePlan,
  type ComposeProject,
  dependencyOrder,
  loadProject,
  planDown,
  planUp,
  serviceConfigHash,
  serviceImage,
} from '@berth/compose';
import type { TStackEnvEntry } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { EngineClient } from '../docker/engine-client.js';
import { takeOverMatching } from './foreign-containers.js';
import { BERTH_STACKS_DIR, type ProjectResources, observeProject } from './stack-observer.js';

/** The `com.docker.compose.version` Berth's containers carry: the Compose v2 conventions it follows. */
export const COMPOSE_VERSION = '2.29.0';
const CONFIG_FILE = 'compose.yaml';

/** Where relative paths of a stack's compose file resolve on its host. */
export function stackWorkingDir(name: string): string {
  return `${BERTH_STACKS_DIR}/${name}`;
}

/** The repository of a stack from git, as its compose file is loaded against it. */
export interface StackRepository {
  /** The compose file's path in the repository. */
  path: string;
  /** A file's text by its absolute path in the loaded project; undefined when there is none. */
  readFile: (path: string) => string | undefined;
  /** What a path of the repository (from its root) is. */
  object: (path: string) => CheckoutObject | undefined;
}

/**
 * The normalised project of a stack, or 400 COMPOSE_INVALID listing `{path, line, message}`.
 * `git`: for a stack from git, its repository, from which build contexts, relative binds, env
 * files and extends files are read (the stack's working directory standing for its root,
 * relative paths resolved from the compose file's folder); a stack without one has no files, so
 * a build context, an env file or an extends file is refused.
 */
export function loadStack(
  name: string,
  compose: string,
  env: TStackEnvEntry[],
  git: StackRepository | null = null,
): ComposeProject {
  const root = stackWorkingDir(name);
  const result = loadProject({
    projectName: name,
    files: [{ name: git?.path ?? CONFIG_FILE, content: compose }],
    environment: Object.fromEntries(env.map((e) => [e.name, e.value])),
    workingDir: git ? posix.join(root, posix.dirname(git.path)) : root,
    projectFiles: git ? { checkout: root, object: git.object } : 'none',
    ...(git ? { readFile: git.readFile } : {}),
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
  return [...new Set(Object.values(project.services).map((s) => serviceImage(project.name, s)))];
}

/**
 * What runs for the project; containers another tool made that the file describes as they run
 * count as current (their own config hash is one Berth cannot compute), so taking over a project
 * with its own file changes nothing.
 */
export async function observe(
  client: EngineClient,
  project: ComposeProject,
): Promise<ProjectResources> {
  const observed = await observeProject(client, project.name, imagesOf(project));
  return takeOverMatching(client, project, observed);
}

/**
 * `up`: the plan for what runs now (pulls and builds included unless `imagesReady`); containers
 * of services not in the project are removed unless `keepOthers` (an up of some services only).
 */
export function upPlan(
  project: ComposeProject,
  observed: ProjectResources,
  imagesReady = false,
  keepOthers = false,
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
    removeOrphans: !keepOthers,
    skipPull: imagesReady,
    skipBuild: imagesReady,
  });
}

/**
 * The project with only the named services and those they depend on; 400 naming a service the
 * file does not have.
 */
export function onlyServices(project: ComposeProject, names: string[]): ComposeProject {
  const kept = new Set<string>();
  const visit = (name: string) => {
    const service = project.services[name];
    if (!service || kept.has(name)) return;
    kept.add(name);
    for (const dependency of Object.keys(service.dependsOn)) visit(dependency);
  };
  for (const name of names) {
    if (!project.services[name]) {
      throw AppError.validation([
        { path: 'services', message: `the stack has no service ${name}` },
      ]);
    }
    visit(name);
  }
  return {
    ...project,
    services: Object.fromEntries(Object.entries(project.services).filter(([n]) => kept.has(n))),
  };
}

/**
 * Only the pulls and builds of an up plan: run first, so the rest is planned against the images
 * they gave (a build that came out the same recreates nothing).
 */
export function imagesOnly(plan: ComposePlan): ComposePlan {
  return {
    ...plan,
    steps: plan.steps.filter((s) => s.kind === 'pull-image' || s.kind === 'build-image'),
  };
}

/**
 * `down`, removing the project's volumes when asked; with `checkouts`, its checkout volumes (the
 * repository's folders, which hold nothing of the stack's own) in any case.
 */
export function downPlan(
  name: string,
  observed: ProjectResources,
  volumes: boolean,
  checkouts = false,
): ComposePlan {
  const checkout = (v: { name: string }) => v.name.startsWith(`${name}_berth-checkout-`);
  return planDown(
    name,
    {
      containers: observed.containers.filter((c) => !c.oneoff),
      networks: observed.labelledNetworks,
      volumes: observed.labelledVolumes.filter((v) => volumes || (checkouts && checkout(v))),
    },
    { volumes: volumes || checkouts },
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
