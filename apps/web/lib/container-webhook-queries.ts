import { ROUTES } from '@berth/shared';
import { callRoute } from './api';
import { type WebhookCalls, useObjectWebhookCalls } from './webhook-calls';

/** A container's webhooks (found by its name, which a recreate keeps) and their changes. */
export function useContainerWebhookCalls(hostId: string, id: string): WebhookCalls {
  const params = { hostId, id };
  const withHook = (webhookId: string) => ({ params: { ...params, webhookId } });
  return useObjectWebhookCalls(['containers', 'webhooks', hostId, id], {
    list: () => callRoute(ROUTES.listContainerWebhooks, { params }),
    create: (body) => callRoute(ROUTES.createContainerWebhook, { params, body }),
    rotate: (webhookId) => callRoute(ROUTES.rotateContainerWebhook, withHook(webhookId)),
    revoke: (webhookId) => callRoute(ROUTES.revokeContainerWebhook, withHook(webhookId)),
  });
}
