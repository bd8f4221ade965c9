'use client';

import { useCan } from '@/lib/capabilities';
import { useContainerWebhookCalls } from '@/lib/container-webhook-queries';
import { WebhooksPanel } from '../webhooks/webhooks-panel';

function Webhooks({ hostId, id }: { hostId: string; id: string }) {
  const calls = useContainerWebhookCalls(hostId, id);
  return (
    <WebhooksPanel
      subject={{ empty: 'recreates this container', pullLabel: 'Pull the image first' }}
      calls={calls}
    />
  );
}

/** A container's webhooks, for those who may create containers on its host. */
export function ContainerWebhooksPanel({ hostId, id }: { hostId: string; id: string }) {
  return useCan(hostId, 'container.create') ? <Webhooks hostId={hostId} id={id} /> : null;
}
