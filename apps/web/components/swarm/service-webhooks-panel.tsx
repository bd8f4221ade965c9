'use client';

import { useServiceWebhookCalls } from '@/lib/service-webhook-queries';
import { WebhooksPanel } from '../webhooks/webhooks-panel';

/**
 * A swarm service's webhooks (for those who may manage the swarm): each call force-updates the
 * service, by default resolving its image's tag in the registry first.
 */
export function ServiceWebhooksPanel({ hostId, service }: { hostId: string; service: string }) {
  const calls = useServiceWebhookCalls(hostId, service);
  return (
    <WebhooksPanel
      subject={{
        empty: 'force-updates this service',
        pullLabel: 'Resolve the image tag in its registry first (a newer image is run)',
      }}
      calls={calls}
    />
  );
}
