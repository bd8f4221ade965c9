import {
  COMPOSE_LABEL,
  containerCreatePlan,
  type ContainerCreatePlan,
} from './container-create.js';
import {
  type BuildSpec,
  type ComposeProject,
  type NetworkSpec,
  type ServiceSpec,
  type VolumeSpec,
} from './model.js';
import { serviceImage } from './normalize.js';

/** A container of the project as the engine reports it, read through its compose labels. */
export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  configHash: string;
  /** Image ID the container runs. */
  imageId: string;
  state: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  exitCode?: number;
  /** `com.docker.compose.oneoff=True` containers (`run`) are never touched by a plan. */
  oneoff: boolean;
}

/** What runs on the host for one project, read by the `com.docker.compose.*` labels. */
export interface ObservedProject {
  containers: ObservedContainer[];
  /** Engine names of the networks and volumes that exist. */
  networks: string[];
  volumes: string[];
  /** Image reference (as written in the service, `<project>-<service>` for a build) to its ID on the host. */
  images: Record<string, string>;
}

export interface PlanOptions {
  /** `serviceConfigHash` of every service of the project. */
  configHashes: Record<string, string>;
  configFiles: string[];
  composeVersion: string;
  removeOrphans?: boolean;
  forceRecreate?: boolean;
  /** Leave pulls out (the images were pulled already, or pulling is not wanted). */
  skipPull?: boolean;
  /** Leave builds out (the images were built already). */
  skipBuild?: boolean;
}

export type RecreateReason = 'config hash changed' | 'image changed' | 'forced';

interface StepBase {
  /** Unique in the plan; other steps name it in `after`. */
  id: string;
  /** Steps that must finish before this one starts. */
  after: string[];
}

/** One engine call. */
export type PlanStep = StepBase &
  (
    | {
        kind: 'create-network';
        network: string;
        key: string;
        spec: NetworkSpec;
        labels: Record<string, string>;
      }
    | {
        kind: 'create-volume';
        volume: string;
        key: string;
        spec: VolumeSpec;
        labels: Record<string, string>;
      }
    | { kind: 'pull-image'; image: string }
    | { kind: 'build-image'; service: string; image: string; build: BuildSpec }
    | {
        kind: 'create-container';
        service: string;
        number: number;
        /** The name it is created under: a temporary one while it replaces `replaces`. */
        name: string;
        create: ContainerCreatePlan;
        replaces?: { id: string; name: string; reason: RecreateReason };
      }
    | {
        kind: 'connect-network';
        service: string;
        name: string;
        network: string;
        endpoint: ContainerCreatePlan['additionalNetworks'][number]['endpoint'];
      }
    | { kind: 'stop-container'; service: string; name: string; containerId?: string }
    | {
        kind: 'remove-container';
        service: string;
        name: string;
        containerId: string;
        reason: 'recreate' | 'scale down' | 'orphan' | 'down';
      }
    | { kind: 'remove-network'; network: string }
    | { kind: 'remove-volume'; volume: string }
    | { kind: 'rename-container'; service: string; from: string; to: string }
    | { kind: 'start-container'; service: string; name: string }
    | {
        kind: 'wait-container';
        service: string;
        name: string;
        condition: 'service_healthy' | 'service_completed_successfully';
      }
  );

export interface ComposePlan {
  project: string;
  steps: PlanStep[];
  /** Containers replaced, with why. */
  recreated: { service: string; number: number; reason: RecreateReason }[];
}

/** A step before it gets its place in the graph. */
type Draft = PlanStep extends infer S
  ? S extends PlanStep
    ? Omit<S, 'id' | 'after'>
    : never
  : never;

/** Networks and volumes carry the labels Compose v2 puts on them. */
export function resourceLabels(
  project: string,
  kind: 'network' | 'volume',
  key: string,
  version: string,
  own: Record<string, string>,
): Record<string, string> {
  return {
    ...own,
    [COMPOSE_LABEL.project]: project,
    [`com.docker.compose.${kind}`]: key,
    [COMPOSE_LABEL.version]: version,
  };
}

/**
 * The minimal set of engine calls that brings what runs on the host to the project: missing
 * networks and volumes created, images pulled by pull policy, the image of every service with a
 * `build` built (tagged as its `image`, else `<project>-<service>`; the engine's layer cache makes
 * an unchanged context give the same image, so its containers are kept), containers created where missing,
 * recreated where their config hash or image changed (created under a temporary name first, so
 * the old container keeps running until its replacement exists), scaled up or down, started in
 * dependency order after waiting on the `depends_on` conditions, and orphans removed when asked.
 * A project that already runs as described plans no step.
 */
export function planUp(
  project: ComposeProject,
  observed: ObservedProject,
  options: PlanOptions,
): ComposePlan {
  const steps: PlanStep[] = [];
  const recreated: ComposePlan['recreated'] = [];
  const add = (id: string, after: string[], draft: Draft) => {
    steps.push({ id, after, ...draft });
    return id;
  };

  const networkSteps = new Map<string, string>();
  for (const [key, spec] of Object.entries(project.networks)) {
    if (spec.external || observed.networks.includes(spec.name)) continue;
    const labels = resourceLabels(
      project.name,
      'network',
      key,
      options.composeVersion,
      spec.labels,
    );
    networkSteps.set(
      key,
      add(`network:${key}`, [], { kind: 'create-network', network: spec.name, key, spec, labels }),
    );
  }
  const volumeSteps = new Map<string, string>();
  for (const [key, spec] of Object.entries(project.volumes)) {
    if (spec.external || observed.volumes.includes(spec.name)) continue;
    const labels = resourceLabels(project.name, 'volume', key, options.composeVersion, spec.labels);
    volumeSteps.set(
      key,
      add(`volume:${key}`, [], { kind: 'create-volume', volume: spec.name, key, spec, labels }),
    );
  }
  const imageSteps = new Map<string, string>();
  for (const service of Object.values(project.services)) {
    const image = serviceImage(project.name, service);
    if (!service.build || options.skipBuild || imageSteps.has(image)) continue;
    imageSteps.set(
      image,
      add(`build:${service.name}`, [], {
        kind: 'build-image',
        service: service.name,
        image,
        build: service.build,
      }),
    );
  }
  for (const service of Object.values(project.services)) {
    const image = service.image;
    // A service with a build runs the image built for it, never one pulled under its name.
    if (!image || service.build || options.skipPull || imageSteps.has(image)) continue;
    const missing = observed.images[image] === undefined;
    if (service.pullPolicy === 'always' || (service.pullPolicy !== 'never' && missing)) {
      imageSteps.set(image, add(`pull:${image}`, [], { kind: 'pull-image', image }));
    }
  }

  const live = observed.containers.filter((c) => !c.oneoff);
  /** Per service, the step after which its containers run (absent: nothing to wait for). */
  const started = new Map<string, string[]>();
  const readyWaits = new Map<string, Map<string, string[]>>();
  for (const service of dependencyOrder(project)) {
    const prerequisites = [
      ...Object.keys(service.networks).flatMap((key) => networkSteps.get(key) ?? []),
      ...service.volumes.flatMap((v) =>
        v.type === 'volume' && v.source ? (volumeSteps.get(v.source) ?? []) : [],
      ),
      ...[imageSteps.get(serviceImage(project.name, service))].filter((id): id is string => !!id),
    ];
    const dependencyWaits = Object.entries(service.dependsOn).flatMap(([dependency, d]) => {
      if (!project.services[dependency]) return [];
      if (d.condition === 'service_started') return started.get(dependency) ?? [];
      return readyWaits.get(dependency)?.get(d.condition) ?? [];
    });
    const ownStarts: string[] = [];
    const existing = live.filter((c) => c.service === service.name);
    const hash = options.configHashes[service.name] ?? '';
    const imageId = observed.images[serviceImage(project.name, service)];
    for (let number = 1; number <= service.replicas; number++) {
      const current = existing.find((c) => c.number === number);
      const base = `${service.name}-${number}`;
      const create = containerCreatePlan(project, service, number, {
        configHash: hash,
        configFiles: options.configFiles,
        composeVersion: options.composeVersion,
        ...(imageId ? { imageId } : {}),
      });
      const reason = current ? recreateReason(current, hash, imageId, options) : undefined;
      if (current && !reason) {
        if (
          current.state === 'running' ||
          current.state === 'restarting' ||
          completed(current, service)
        )
          continue;
        ownStarts.push(
          add(`start:${base}`, dependencyWaits, {
            kind: 'start-container',
            service: service.name,
            name: current.name,
          }),
        );
        continue;
      }
      const tempName = current ? `${current.id.slice(0, 12)}_${create.name}` : create.name;
      if (reason) recreated.push({ service: service.name, number, reason });
      let last = add(`create:${base}`, prerequisites, {
        kind: 'create-container',
        service: service.name,
        number,
        name: tempName,
        create,
        ...(current && reason ? { replaces: { id: current.id, name: current.name, reason } } : {}),
      });
      for (const extra of create.additionalNetworks) {
        last = add(`connect:${base}:${extra.network}`, [last], {
          kind: 'connect-network',
          service: service.name,
          name: tempName,
          network: extra.network,
          endpoint: extra.endpoint,
        });
      }
      if (current) {
        const stop = add(`stop:${base}`, [last], {
          kind: 'stop-container',
          service: service.name,
          name: current.name,
          containerId: current.id,
        });
        const remove = add(`remove:${base}`, [stop], {
          kind: 'remove-container',
          service: service.name,
          name: current.name,
          containerId: current.id,
          reason: 'recreate',
        });
        last = add(`rename:${base}`, [remove], {
          kind: 'rename-container',
          service: service.name,
          from: tempName,
          to: create.name,
        });
      }
      ownStarts.push(
        add(`start:${base}`, [last, ...dependencyWaits], {
          kind: 'start-container',
          service: service.name,
          name: create.name,
        }),
      );
    }
    for (const extra of existing.filter((c) => c.number > service.replicas)) {
      removeContainer(add, extra, 'scale down');
    }
    started.set(service.name, ownStarts);
    const waits = new Map<string, string[]>();
    for (const condition of ['service_healthy', 'service_completed_successfully'] as const) {
      const needed = Object.values(project.services).some(
        (s) => s.dependsOn[service.name]?.condition === condition,
      );
      if (!needed || ownStarts.length === 0) continue;
      waits.set(
        condition,
        ownStarts.map((startId) => {
          const step = steps.find((s) => s.id === startId) as Extract<
            PlanStep,
            { kind: 'start-container' }
          >;
          return add(`wait:${condition}:${step.name}`, [startId], {
            kind: 'wait-container',
            service: service.name,
            name: step.name,
            condition,
          });
        }),
      );
    }
    readyWaits.set(service.name, waits);
  }
  if (options.removeOrphans) {
    const known = new Set([...Object.keys(project.services), ...project.disabledServices]);
    for (const orphan of live.filter((c) => !known.has(c.service)))
      removeContainer(add, orphan, 'orphan');
  }
  return { project: project.name, steps, recreated };
}

function removeContainer(
  add: (id: string, after: string[], draft: Draft) => string,
  container: ObservedContainer,
  reason: 'scale down' | 'orphan',
) {
  const stop = add(`stop:${container.name}`, [], {
    kind: 'stop-container',
    service: container.service,
    name: container.name,
    containerId: container.id,
  });
  add(`remove:${container.name}`, [stop], {
    kind: 'remove-container',
    service: container.service,
    name: container.name,
    containerId: container.id,
    reason,
  });
}

function recreateReason(
  current: ObservedContainer,
  hash: string,
  imageId: string | undefined,
  options: PlanOptions,
): RecreateReason | undefined {
  if (options.forceRecreate) return 'forced';
  if (current.configHash !== hash) return 'config hash changed';
  if (imageId !== undefined && current.imageId !== imageId) return 'image changed';
  return undefined;
}

/** A one-shot container that exited cleanly and is not restarted has done its work. */
function completed(container: ObservedContainer, service: ServiceSpec): boolean {
  return (
    container.state === 'exited' &&
    container.exitCode === 0 &&
    (service.restart === 'no' || service.restart === '')
  );
}

/** Services with every dependency before its dependents (cycles are refused by the loader). */
export function dependencyOrder(project: ComposeProject): ServiceSpec[] {
  const ordered: ServiceSpec[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: string[]) => {
    const service = project.services[name];
    if (!service || seen.has(name) || path.includes(name)) return;
    for (const dependency of Object.keys(service.dependsOn).sort())
      visit(dependency, [...path, name]);
    seen.add(name);
    ordered.push(service);
  };
  for (const name of Object.keys(project.services).sort()) visit(name, []);
  return ordered;
}

/**
 * `down`: every container of the project stopped and removed, then the project's own networks
 * (never external ones) and, when asked, its volumes.
 */
export function planDown(
  project: string,
  observed: Pick<ObservedProject, 'containers'> & {
    networks: { name: string; project?: string }[];
    volumes: { name: string; project?: string }[];
  },
  options: { volumes: boolean },
): ComposePlan {
  const steps: PlanStep[] = [];
  const removals: string[] = [];
  for (const container of observed.containers) {
    const stop = `stop:${container.name}`;
    steps.push({
      id: stop,
      after: [],
      kind: 'stop-container',
      service: container.service,
      name: container.name,
      containerId: container.id,
    });
    const remove = `remove:${container.name}`;
    steps.push({
      id: remove,
      after: [stop],
      kind: 'remove-container',
      service: container.service,
      name: container.name,
      containerId: container.id,
      reason: 'down',
    });
    removals.push(remove);
  }
  for (const network of observed.networks.filter((n) => n.project === project)) {
    steps.push({
      id: `remove-network:${network.name}`,
      after: removals,
      kind: 'remove-network',
      network: network.name,
    });
  }
  if (options.volumes) {
    for (const volume of observed.volumes.filter((v) => v.project === project)) {
      steps.push({
        id: `remove-volume:${volume.name}`,
        after: removals,
        kind: 'remove-volume',
        volume: volume.name,
      });
    }
  }
  return { project, steps, recreated: [] };
}
