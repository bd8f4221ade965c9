import type { ApiRoute } from './api-contract.js';
import { ZCreateGitStackRequest, ZStackGitInfo } from './schemas/stack-git.js';
import { ZStackDeployResponse } from './schemas/stacks.js';

/** Stacks whose compose file comes from a git repository. */
export const STACK_GIT_ROUTES = {
  createGitStack: {
    method: 'post',
    path: '/api/hosts/{hostId}/stacks/git',
    tag: 'stacks',
    summary:
      'Create a stack from a compose file in a git repository (fetched by Berth; the login sealed) and deploy it; 400 on git.url, git.ref, git.path or git.token when it cannot be read',
    access: 'user',
    permission: 'stack.deploy',
    audit: 'stack.deploy',
    body: ZCreateGitStackRequest,
    response: ZStackDeployResponse,
    status: 201,
  },
  getStackGit: {
    method: 'get',
    path: '/api/stacks/{id}/git',
    tag: 'stacks',
    summary: "A stack's git source and the commit last deployed (404 for a stack not from git)",
    access: 'user',
    permission: 'stack.list',
    hostFrom: 'stack',
    response: ZStackGitInfo,
  },
  pullStackGit: {
    method: 'post',
    path: '/api/stacks/{id}/git/pull',
    tag: 'stacks',
    summary:
      'Fetch the branch or tag again and redeploy the stack with the compose file of that commit',
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    audit: 'stack.deploy',
    response: ZStackDeployResponse,
  },
} as const satisfies Record<string, ApiRoute>;
