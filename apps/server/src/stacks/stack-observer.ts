import { COMPOSE_LABEL, type ObservedContainer, type ObservedProject } from '@berth/compose';
import { CONTAINER_STATES } from '@berth/shared';
import type { EngineClient } from '../docker/engine-client.js';

const STATES = new Set<string>(CONTAINER_STATES);

/** Where the compose files of Berth's stacks are said to be (their containers' labels). */
export const BERTH_STACKS_DIR = '/var/lib/berth/stacks';

/** Containers, networks and volumes of one compose project on a host, read by their labels. */
export interface ProjectResources extends ObservedProject {
  /** Ids of the containers another tool made (`docker compose` on the host), not Berth. */
  madeElsewhere: string[];
  labelledNetworks: { name: string; project?: string }[];
  labelledVolumes: { name: string; project?: string }[];
}

/** Reads what runs on the host for `project`, as `docker compose` does, by the standard labels. */
export async function observeProject(
  client: EngineClient,
  project: string,
  imageRefs: string[],
): Promise<ProjectResources> {
  const filter = `${COMPOSE_LABEL.project}=${project}`;
  const [containers, networks, volumes] = await Promise.all([
    client.listContainers({ all: true, filters: JSON.stringify({ label: [filter] }) }),
    client.listNetworks(),
    client.listVolumes(),
  ]);
  const images: Record<string, string> = {};
  await Promise.all(
    imageRefs.map(async (ref) => {
      try {
        images[ref] = (await client.inspectImage(ref)).Id;
      } catch {
        // Not on the host: the plan pulls it.
      }
    }),
  );
  const ownProject = (labels: Record<string, string> | null | undefined) =>
    labels?.[COMPOSE_LABEL.project];
  return {
    containers: containers.map((c) => {
      const labels = c.Labels ?? {};
      const state = c.State;
      const exit = /Exited \((\d+)\)/.exec(c.Status ?? '');
      return {
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        service: labels[COMPOSE_LABEL.service] ?? '',
        number: Number(labels[COMPOSE_LABEL.containerNumber] ?? '1'),
        configHash: labels[COMPOSE_LABEL.configHash] ?? '',
        imageId: c.ImageID,
        state: STATES.has(state) ? (state as ObservedContainer['state']) : 'dead',
        ...(exit ? { exitCode: Number(exit[1]) } : {}),
        oneoff: labels[COMPOSE_LABEL.oneoff] === 'True',
      };
    }),
    madeElsewhere: containers
      .filter(
        (c) => !(c.Labels?.[COMPOSE_LABEL.configFiles] ?? '').startsWith(`${BERTH_STACKS_DIR}/`),
      )
      .map((c) => c.Id),
    networks: networks.map((n) => n.Name),
    volumes: volumes.map((v) => v.Name),
    images,
    labelledNetworks: networks.map((n) => {
      const owner = ownProject(n.Labels);
      return { name: n.Name, ...(owner ? { project: owner } : {}) };
    }),
    labelledVolumes: volumes.map((v) => {
      const owner = ownProject(v.Labels);
      return { name: v.Name, ...(owner ? { project: owner } : {}) };
    }),
  };
}
