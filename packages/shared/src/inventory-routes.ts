import type { ApiRoute } from './api-contract.js';
import {
  ZImageListQuery,
  ZImageListResponse,
  ZNetworkListQuery,
  ZNetworkListResponse,
  ZVolumeListQuery,
  ZVolumeListResponse,
} from './schemas/inventory.js';

/** Images, networks and volumes of every host the caller may list, answered from memory. */
export const INVENTORY_ROUTES = {
  listImages: {
    method: 'get',
    path: '/api/images',
    tag: 'images',
    summary:
      'Images of every host you may list (image.list), filtered, sorted and paged (from memory)',
    access: 'user',
    query: ZImageListQuery,
    response: ZImageListResponse,
  },
  listNetworks: {
    method: 'get',
    path: '/api/networks',
    tag: 'networks',
    summary:
      'Networks of every host you may list (network.list), filtered, sorted and paged (from memory)',
    access: 'user',
    query: ZNetworkListQuery,
    response: ZNetworkListResponse,
  },
  listVolumes: {
    method: 'get',
    path: '/api/volumes',
    tag: 'volumes',
    summary:
      'Volumes of every host you may list (volume.list), filtered, sorted and paged (from memory)',
    access: 'user',
    query: ZVolumeListQuery,
    response: ZVolumeListResponse,
  },
} satisfies Record<string, ApiRoute>;
