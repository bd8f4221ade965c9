import {
  type ComposeProject,
  type ContainerInspectInput,
  type MatchedInspect,
  containerCreatePlan,
  containerDifferences,
  serviceConfigHash,
} from '@berth/compose';
import type { EngineClient } from '../docker/engine-client.js';
import type { ProjectResources } from './stack-observer.js';

/** Labels Berth itself puts on containers (owner, team, secret names): not part of what runs. */
export function isBerthLabel(key: string): boolean {
  return key.startsWith('berth.');
}

/**
 * `observed` with the containers another tool made given the service's config hash when the file
 * describes them as they run (image, command, environment, labels, ports, mounts, restart), so the
 * plan keeps them; the others keep their foreign hash and are recreated.
 */
export async function takeOverMatching(
  client: EngineClient,
  project: ComposeProject,
  observed: ProjectResources,
): Promise<ProjectResources> {
  const foreign = new Set(observed.madeElsewhere);
  const containers = await Promise.all(
    observed.containers.map(async (container) => {
      const service = project.services[container.service];
      if (!foreign.has(container.id) || container.oneoff || !service) return container;
      try {
        const inspect = await client.inspectContainer(container.id);
        const image = await client.inspectImage(inspect.Image).catch(() => undefined);
        const body = containerCreatePlan(project, service, container.number, {
          configHash: '',
          configFiles: [],
          composeVersion: '',
        }).body;
        const differences = containerDifferences(body, inspect as unknown as MatchedInspect, {
          ...(image ? { image: image.Config as ContainerInspectInput['Config'] } : {}),
          ignoreLabel: isBerthLabel,
        });
        if (differences.length > 0) return container;
        return { ...container, configHash: serviceConfigHash(service, project, () => undefined) };
      } catch {
        // Gone or unreadable meanwhile: planned as it was listed.
        return container;
      }
    }),
  );
  return { ...observed, containers };
}
