import type { ApiRoute } from './api-contract.js';
import { ZUpdateCheckRequest, ZUpdateList, ZUpdateListQuery } from './schemas/updates.js';

/** Image update detection: the last results, and a check on demand. */
export const UPDATE_ROUTES = {
  listUpdates: {
    method: 'get',
    path: '/api/updates',
    tag: 'updates',
    summary:
      'The last update check of every running container you may list (container.list), from memory',
    access: 'user',
    query: ZUpdateListQuery,
    response: ZUpdateList,
  },
  checkUpdates: {
    method: 'post',
    path: '/api/hosts/{hostId}/updates/check',
    permission: 'container.list',
    tag: 'updates',
    summary:
      "Compare running containers' images with the registry's current digest for their tag now (stored registry login used)",
    access: 'user',
    body: ZUpdateCheckRequest,
    response: ZUpdateList,
    status: 200,
  },
} satisfies Record<string, ApiRoute>;
