import type { ApiRoute } from './api-contract.js';
import {
  ZComposeFromContainers,
  ZComposeFromContainersRequest,
  ZUnmanagedStackList,
  ZUnmanagedStackListQuery,
} from './schemas/stack-adoption.js';
import { ZCreateStackRequest, ZStackDeployResponse } from './schemas/stacks.js';

/** Compose projects made outside Berth, taken over by giving Berth their file; files from containers. */
export const STACK_ADOPTION_ROUTES = {
  listUnmanagedStacks: {
    method: 'get',
    path: '/api/unmanaged-stacks',
    tag: 'stacks',
    summary:
      'Compose projects on the hosts where you have stack.list that no Berth stack manages, with their services and containers',
    access: 'user',
    query: ZUnmanagedStackListQuery,
    response: ZUnmanagedStackList,
  },
  adoptStack: {
    method: 'post',
    path: '/api/hosts/{hostId}/stacks/adopt',
    tag: 'stacks',
    summary:
      'Manage a compose project made outside Berth: its file is planned against what runs (containers it describes unchanged are kept) and deployed; 404 when the host runs no such project',
    access: 'user',
    permission: 'stack.deploy',
    audit: 'stack.adopt',
    body: ZCreateStackRequest,
    response: ZStackDeployResponse,
    status: 201,
  },
  composeFromContainers: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/compose',
    tag: 'containers',
    summary:
      'A compose file describing the containers as they run (secret values left out as ${NAME} references)',
    access: 'user',
    permission: 'container.inspect',
    body: ZComposeFromContainersRequest,
    response: ZComposeFromContainers,
  },
} as const satisfies Record<string, ApiRoute>;
