import type { ApiRoute } from './api-contract.js';
import {
  ZContainerWebhookList,
  ZCreateContainerWebhookRequest,
  ZCreateStackWebhookRequest,
  ZStackWebhookList,
  ZStackWebhookUrl,
  ZWebhookAnswer,
} from './schemas/stack-webhooks.js';

/**
 * Stack webhooks: managed under the stack (permission stack.deploy on its host), called at
 * `/api/webhooks/{token}` without signing in.
 */
export const STACK_WEBHOOK_ROUTES = {
  createStackWebhook: {
    method: 'post',
    path: '/api/stacks/{id}/webhooks',
    tag: 'stacks',
    summary:
      'Create a webhook that redeploys the stack; its URL (with the token) is shown only now',
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    audit: 'stack.webhook.create',
    body: ZCreateStackWebhookRequest,
    response: ZStackWebhookUrl,
    status: 201,
  },
  listStackWebhooks: {
    method: 'get',
    path: '/api/stacks/{id}/webhooks',
    tag: 'stacks',
    summary: "A stack's webhooks, without their tokens",
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    response: ZStackWebhookList,
  },
  rotateStackWebhook: {
    method: 'post',
    path: '/api/stacks/{id}/webhooks/{webhookId}/rotate',
    tag: 'stacks',
    summary: 'Give a webhook a new token; the old URL stops working',
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    audit: 'stack.webhook.rotate',
    response: ZStackWebhookUrl,
  },
  revokeStackWebhook: {
    method: 'delete',
    path: '/api/stacks/{id}/webhooks/{webhookId}',
    tag: 'stacks',
    summary: 'Revoke a webhook',
    access: 'user',
    permission: 'stack.deploy',
    hostFrom: 'stack',
    audit: 'stack.webhook.revoke',
    status: 204,
  },
  triggerStackWebhook: {
    method: 'post',
    path: '/api/webhooks/{token}',
    tag: 'stacks',
    summary:
      "Redeploy the webhook's stack or recreate its container; 401 when its signature is bad or missing, 429 with Retry-After past its rate, 202 with the deployment started or joined, or skipped when the call's branch or tag is not accepted",
    access: 'public',
    response: ZWebhookAnswer,
    status: 202,
  },
} as const satisfies Record<string, ApiRoute>;

/**
 * Webhooks of single containers, found by the container's name (which a recreate keeps):
 * managed with container.create on the host (a trigger recreates the container as its creator).
 */
export const CONTAINER_WEBHOOK_ROUTES = {
  createContainerWebhook: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/{id}/webhooks',
    tag: 'containers',
    summary:
      'Create a webhook that recreates the container (pulling its image first by default); its URL is shown only now',
    access: 'user',
    permission: 'container.create',
    audit: 'container.webhook.create',
    body: ZCreateContainerWebhookRequest,
    response: ZStackWebhookUrl,
    status: 201,
  },
  listContainerWebhooks: {
    method: 'get',
    path: '/api/hosts/{hostId}/containers/{id}/webhooks',
    tag: 'containers',
    summary: "A container's webhooks, without their tokens",
    access: 'user',
    permission: 'container.create',
    response: ZContainerWebhookList,
  },
  rotateContainerWebhook: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/{id}/webhooks/{webhookId}/rotate',
    tag: 'containers',
    summary: 'Give a container webhook a new token; the old URL stops working',
    access: 'user',
    permission: 'container.create',
    audit: 'container.webhook.rotate',
    response: ZStackWebhookUrl,
  },
  revokeContainerWebhook: {
    method: 'delete',
    path: '/api/hosts/{hostId}/containers/{id}/webhooks/{webhookId}',
    tag: 'containers',
    summary: 'Revoke a container webhook',
    access: 'user',
    permission: 'container.create',
    audit: 'container.webhook.revoke',
    status: 204,
  },
} as const satisfies Record<string, ApiRoute>;
