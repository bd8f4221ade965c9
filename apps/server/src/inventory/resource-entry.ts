import type Docker from 'dockerode';
import type { TImageSummary, TNetworkSummary, TVolumeSummary } from '@berth/shared';
import { isBuiltInNetwork } from '../access/ownership.js';

/**
 * Images, networks and volumes of one host as the inventory holds them: the summary without the
 * per-host facts added when answering (host name, staleness, how many containers use it), and a
 * lower-cased text for `q`.
 */
type Held<T> = Omit<T, 'hostName' | 'stale' | 'containers'>;

export interface ImageEntry {
  summary: Held<TImageSummary>;
  search: string;
  createdMs: number;
}

export interface NetworkEntry {
  summary: Held<TNetworkSummary>;
  search: string;
  createdMs: number;
}

export interface VolumeEntry {
  summary: Held<TVolumeSummary>;
  search: string;
  createdMs: number;
}

/** What a container uses, as `GET /containers/json` says: its image, networks and volumes. */
export interface ContainerUses {
  imageId: string;
  networkIds: readonly string[];
  volumeNames: readonly string[];
}

const NO_TAG = '<none>:<none>';
const NO_DIGEST = '<none>@<none>';

export function toImageEntry(raw: Docker.ImageInfo, hostId: string): ImageEntry {
  const repoTags = (raw.RepoTags ?? []).filter((tag) => tag !== NO_TAG);
  const repoDigests = (raw.RepoDigests ?? []).filter((digest) => digest !== NO_DIGEST);
  const labels = raw.Labels ?? {};
  const createdMs = (raw.Created ?? 0) * 1000;
  return {
    summary: {
      id: raw.Id,
      hostId,
      repoTags,
      repoDigests,
      size: raw.Size ?? 0,
      createdAt: new Date(createdMs).toISOString(),
      dangling: repoTags.length === 0,
      labels,
    },
    search: [raw.Id, ...repoTags, ...repoDigests, ...Object.entries(labels).flat()]
      .join('\n')
      .toLowerCase(),
    createdMs,
  };
}

export function toNetworkEntry(raw: Docker.NetworkInspectInfo, hostId: string): NetworkEntry {
  const labels = raw.Labels ?? {};
  const createdMs = Date.parse(raw.Created ?? '') || 0;
  return {
    summary: {
      id: raw.Id,
      hostId,
      name: raw.Name,
      driver: raw.Driver ?? '',
      scope: raw.Scope ?? '',
      internal: raw.Internal === true,
      attachable: raw.Attachable === true,
      builtIn: isBuiltInNetwork(raw.Name),
      labels,
      createdAt: new Date(createdMs).toISOString(),
    },
    search: [raw.Id, raw.Name, raw.Driver, ...Object.entries(labels).flat()]
      .join('\n')
      .toLowerCase(),
    createdMs,
  };
}

export function toVolumeEntry(raw: Docker.VolumeInspectInfo, hostId: string): VolumeEntry {
  const labels = raw.Labels ?? {};
  const created = (raw as { CreatedAt?: string }).CreatedAt;
  const createdMs = created ? Date.parse(created) || 0 : 0;
  return {
    summary: {
      name: raw.Name,
      hostId,
      driver: raw.Driver ?? '',
      mountpoint: raw.Mountpoint ?? '',
      scope: raw.Scope ?? 'local',
      labels,
      createdAt: created ? new Date(createdMs).toISOString() : null,
    },
    search: [raw.Name, raw.Driver, ...Object.entries(labels).flat()].join('\n').toLowerCase(),
    createdMs,
  };
}
