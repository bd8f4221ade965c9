import type { ApiRoute } from './api-contract.js';
import {
  ZCreateStackWebhookRequest,
  ZStackWebhookList,
  ZStackWebhookTriggered,
  ZStackWebhookUrl,
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
      'Redeploy the stack of a webhook; 401 when its signature is bad or missing, 202 with the deployment started or joined',
    access: 'public',
    response: ZStackWebhookTriggered,
    status: 202,
  },
} as const satisfies Record<string, ApiRoute>;
