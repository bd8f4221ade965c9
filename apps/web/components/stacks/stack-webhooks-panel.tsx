'use client';

import type { TStack } from '@berth/shared';
import { useStackWebhookCalls } from '@/lib/stack-webhook-queries';
import { WebhooksPanel } from '../webhooks/webhooks-panel';

/** A stack's webhooks: each redeploys the stack (or some of its services). */
export function StackWebhooksPanel({ stack }: { stack: TStack }) {
  const calls = useStackWebhookCalls(stack.id);
  return (
    <WebhooksPanel
      subject={{
        empty: 'redeploys this stack',
        pullLabel: 'Pull images first',
        services: stack.services.map((s) => s.name),
      }}
      calls={calls}
    />
  );
}
