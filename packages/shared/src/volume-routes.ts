import type { ApiRoute } from './api-contract.js';
import { ZPruneQuery, ZPruneResponse } from './schemas/networks.js';
import {
  ZCreateVolumeRequest,
  ZCreateVolumeResponse,
  ZRemoveVolumeQuery,
  ZVolumeDetail,
  ZVolumeListing,
  ZVolumePathQuery,
} from './schemas/volumes.js';

/** One host's volumes: inspect, create, remove, prune, and browse their files read-only. */
export const VOLUME_ROUTES = {
  createVolume: {
    method: 'post',
    path: '/api/hosts/{hostId}/volumes',
    permission: 'volume.create',
    audit: 'volume.create',
    tag: 'volumes',
    summary:
      'Create a volume with a driver and its options (local: type tmpfs, nfs, cifs; o; device)',
    access: 'user',
    body: ZCreateVolumeRequest,
    response: ZCreateVolumeResponse,
    status: 201,
  },
  inspectVolume: {
    method: 'get',
    path: '/api/hosts/{hostId}/volumes/{name}',
    permission: 'volume.list',
    tag: 'volumes',
    summary:
      'Inspect a volume: driver, mountpoint, options, labels, size and the containers using it',
    access: 'user',
    response: ZVolumeDetail,
  },
  removeVolume: {
    method: 'delete',
    path: '/api/hosts/{hostId}/volumes/{name}',
    permission: 'volume.delete',
    audit: 'volume.remove',
    tag: 'volumes',
    summary: 'Remove a volume; force: even if the engine would refuse',
    access: 'user',
    query: ZRemoveVolumeQuery,
    status: 204,
  },
  pruneVolumes: {
    method: 'post',
    path: '/api/hosts/{hostId}/volumes/prune',
    permission: 'volume.delete',
    audit: 'volume.prune',
    tag: 'volumes',
    summary: 'Remove the volumes no container uses (only your own with an owner-limited grant)',
    access: 'user',
    query: ZPruneQuery,
    response: ZPruneResponse,
    status: 200,
  },
  listVolumeFiles: {
    method: 'get',
    path: '/api/hosts/{hostId}/volumes/{name}/files',
    permission: 'volume.browse',
    tag: 'volumes',
    summary: "A folder of a volume, read-only: each entry's type, size, mode and modified time",
    access: 'user',
    query: ZVolumePathQuery,
    response: ZVolumeListing,
  },
  downloadVolumeFile: {
    method: 'get',
    path: '/api/hosts/{hostId}/volumes/{name}/download',
    permission: 'volume.browse',
    tag: 'volumes',
    summary: 'Download a file of a volume, or a folder as a tar archive',
    access: 'user',
    query: ZVolumePathQuery,
    produces: ['application/octet-stream', 'application/x-tar'],
  },
} satisfies Record<string, ApiRoute>;
