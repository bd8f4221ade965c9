'use client';

import { FileCode } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useCan } from '@/lib/capabilities';
import { useComposeFromContainers } from '@/lib/stack-adoption-queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';

/**
 * Makes a compose file of the containers (all on one host) and opens it as a new stack in the
 * editor; offered to those who may deploy stacks on the host.
 */
export function CreateComposeButton({
  hostId,
  ids,
  size = 'md',
}: {
  hostId: string;
  ids: string[];
  size?: 'sm' | 'md';
}) {
  const router = useRouter();
  const compose = useComposeFromContainers();
  const canDeploy = useCan(hostId, 'stack.deploy');
  const canInspect = useCan(hostId, 'container.inspect');
  if (!canDeploy || !canInspect) return null;
  return (
    <>
      <Button
        size={size}
        disabled={compose.isPending || ids.length === 0}
        onClick={() =>
          compose.mutate(
            { hostId, ids },
            { onSuccess: (draft) => router.push(`/stacks/new?draft=${draft}`) },
          )
        }
      >
        <FileCode aria-hidden />
        {compose.isPending ? 'Creating…' : 'Create compose file'}
      </Button>
      {compose.error ? <ErrorNotice error={compose.error} /> : null}
    </>
  );
}
