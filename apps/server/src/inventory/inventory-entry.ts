import {
  CONTAINER_STATES,
  type TContainerPort,
  type TContainerState,
  type TContainerSummary,
} from '@berth/shared';
import type { ContainerUses } from './resource-entry.js';

/** One container as `GET /containers/json` describes it (the fields Berth reads). */
export interface EngineContainer {
  Id: string;
  Names?: string[];
  Image?: string;
  Command?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  Labels?: Record<string, string> | null;
  ImageID?: string;
  Mounts?: { Type?: string; Name?: string }[] | null;
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string }> | null } | null;
}

/**
 * A container in the inventory: its summary (without the host-level `stale` flag and host name,
 * which are added when answering) and what filtering and sorting need, computed once.
 */
export interface InventoryEntry {
  summary: Omit<TContainerSummary, 'stale' | 'hostName'>;
  /** Lower-cased name, image, label keys and values, for `q`. */
  search: string;
  createdMs: number;
  /** The image, networks and volumes it uses, for the other lists' "used by" counts. */
  uses: ContainerUses;
}

export function toInventoryEntry(raw: EngineContainer, hostId: string, at: Date): InventoryEntry {
  const name = (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, '');
  const labels = raw.Labels ?? {};
  const image = raw.Image ?? '';
  const createdMs = (raw.Created ?? 0) * 1000;
  const ports: TContainerPort[] = (raw.Ports ?? []).map((p) => ({
    ip: p.IP ?? null,
    privatePort: p.PrivatePort,
    publicPort: p.PublicPort ?? null,
    type: p.Type,
  }));
  const search = [name, image, ...Object.entries(labels).flat()].join('\n').toLowerCase();
  return {
    summary: {
      id: raw.Id,
      hostId,
      name,
      image,
      command: raw.Command ?? '',
      state: stateOf(raw.State),
      status: raw.Status ?? '',
      createdAt: new Date(createdMs).toISOString(),
      ports,
      labels,
      updatedAt: at.toISOString(),
    },
    search,
    createdMs,
    uses: usesOf(raw),
  };
}

function usesOf(raw: EngineContainer): ContainerUses {
  const networks = Object.values(raw.NetworkSettings?.Networks ?? {});
  return {
    imageId: raw.ImageID ?? '',
    networkIds: networks.flatMap((n) => (n.NetworkID ? [n.NetworkID] : [])),
    volumeNames: (raw.Mounts ?? []).flatMap((m) => (m.Type === 'volume' && m.Name ? [m.Name] : [])),
  };
}

function stateOf(state: string | undefined): TContainerState {
  return (CONTAINER_STATES as readonly string[]).includes(state ?? '')
    ? (state as TContainerState)
    : 'dead';
}

/** Running, paused and everything else, as the engine's own counters split them. */
export function countStates(entries: Iterable<InventoryEntry>): {
  running: number;
  paused: number;
  stopped: number;
  total: number;
} {
  let running = 0;
  let paused = 0;
  let total = 0;
  for (const entry of entries) {
    total += 1;
    if (entry.summary.state === 'running' || entry.summary.state === 'restarting') running += 1;
    else if (entry.summary.state === 'paused') paused += 1;
  }
  return { running, paused, stopped: total - running - paused, total };
}
