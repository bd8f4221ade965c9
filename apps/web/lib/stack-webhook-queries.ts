import { ROUTES } from '@berth/shared';
import { callRoute } from './api';
import { type WebhookCalls, useWebhookCalls } from './webhook-calls';

/** A stack's webhooks and the calls that create, rotate and revoke them. */
export function useStackWebhookCalls(stackId: string): WebhookCalls {
  return useWebhookCalls(['stacks', 'webhooks', stackId], {
    list: () => callRoute(ROUTES.listStackWebhooks, { params: { id: stackId } }),
    row: (hook) => ({ ...hook, pulls: hook.pullImages }),
    create: (body) => callRoute(ROUTES.createStackWebhook, { params: { id: stackId }, body }),
    rotate: (webhookId) =>
      callRoute(ROUTES.rotateStackWebhook, { params: { id: stackId, webhookId } }),
    revoke: (webhookId) =>
      callRoute(ROUTES.revokeStackWebhook, { params: { id: stackId, webhookId } }),
  });
}
