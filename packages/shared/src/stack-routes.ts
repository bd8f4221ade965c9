import type { ApiRoute } from './api-contract.js';
import {
  ZCreateStackRequest,
  ZStack,
  ZStackDeleteQuery,
  ZStackDeployResponse,
  ZStackDeploymentList,
  ZStackList,
  ZStackListQuery,
  ZStackPlan,
  ZUpdateStackRequest,
} from './schemas/stacks.js';

/** A stack operation that runs as a deployment of the stack. */
function stackAction(action: 'start' | 'stop' | 'down') {
  return {
    method: 'post',
    path: `/api/stacks/{id}/${action}`,
    tag: 'stacks',
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a stack's containers; answers the deployment`,
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    audit: `stack.${action}`,
    response: ZStackDeployResponse,
  } as const satisfies ApiRoute;
}

/**
 * Compose stacks. Routes under `/api/stacks/{id}` find their host through the stack
 * (`hostFrom: 'stack'`), so their permission is checked on the stack's host.
 */
export const STACK_ROUTES = {
  createStack: {
    method: 'post',
    path: '/api/hosts/{hostId}/stacks',
    tag: 'stacks',
    summary:
      'Create a stack from a compose file and deploy it; 400 COMPOSE_INVALID lists each problem',
    access: 'user',
    permission: 'stack.deploy',
    audit: 'stack.deploy',
    body: ZCreateStackRequest,
    response: ZStackDeployResponse,
    status: 201,
  },
  planNewStack: {
    method: 'post',
    path: '/api/hosts/{hostId}/stacks/plan',
    tag: 'stacks',
    summary:
      'The steps deploying a new stack would take on the host, without creating anything; 400 COMPOSE_INVALID lists each problem',
    access: 'user',
    permission: 'stack.deploy',
    body: ZCreateStackRequest,
    response: ZStackPlan,
  },
  listStacks: {
    method: 'get',
    path: '/api/stacks',
    tag: 'stacks',
    summary: 'Stacks on the hosts where you have stack.list, with their services and containers',
    access: 'user',
    query: ZStackListQuery,
    response: ZStackList,
  },
  getStack: {
    method: 'get',
    path: '/api/stacks/{id}',
    tag: 'stacks',
    summary: 'One stack: compose text, variables (secret values masked), services',
    access: 'user',
    permission: 'stack.list',
    hostFrom: 'stack',
    response: ZStack,
  },
  updateStack: {
    method: 'put',
    path: '/api/stacks/{id}',
    tag: 'stacks',
    summary: 'Change the compose text or variables and redeploy',
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    audit: 'stack.deploy',
    body: ZUpdateStackRequest,
    response: ZStackDeployResponse,
  },
  planStack: {
    method: 'post',
    path: '/api/stacks/{id}/plan',
    tag: 'stacks',
    summary:
      'The steps a deploy would take (with the given compose text or variables), without applying',
    access: 'user',
    permission: 'stack.list',
    hostFrom: 'stack',
    body: ZUpdateStackRequest,
    response: ZStackPlan,
  },
  startStack: stackAction('start'),
  stopStack: stackAction('stop'),
  downStack: stackAction('down'),
  deleteStack: {
    method: 'delete',
    path: '/api/stacks/{id}',
    tag: 'stacks',
    summary: 'Take a stack down and forget it; volumes=true removes its volumes too',
    access: 'user',
    permission: 'stack.delete',
    hostFrom: 'stack',
    audit: 'stack.delete',
    query: ZStackDeleteQuery,
    status: 204,
  },
  listStackDeployments: {
    method: 'get',
    path: '/api/stacks/{id}/deployments',
    tag: 'stacks',
    summary: 'Deployments of a stack, newest first',
    access: 'user',
    permission: 'stack.list',
    hostFrom: 'stack',
    response: ZStackDeploymentList,
  },
} as const satisfies Record<string, ApiRoute>;
