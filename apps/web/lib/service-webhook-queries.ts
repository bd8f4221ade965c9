import { ROUTES } from '@berth/shared';
import { callRoute } from './api';
import { type WebhookCalls, useObjectWebhookCalls } from './webhook-calls';

/** A swarm service's webhooks (kept by its name on the manager host) and their changes. */
export function useServiceWebhookCalls(hostId: string, service: string): WebhookCalls {
  const params = { hostId, service };
  const withHook = (webhookId: string) => ({ params: { ...params, webhookId } });
  return useObjectWebhookCalls(['services', 'webhooks', hostId, service], {
    list: () => callRoute(ROUTES.listServiceWebhooks, { params }),
    create: (body) => callRoute(ROUTES.createServiceWebhook, { params, body }),
    rotate: (webhookId) => callRoute(ROUTES.rotateServiceWebhook, withHook(webhookId)),
    revoke: (webhookId) => callRoute(ROUTES.revokeServiceWebhook, withHook(webhookId)),
  });
}
