'use client';

import type { TContainerUpdate } from '@berth/shared';
import { containerKey, imageKey, useUpdateIndex } from '@/lib/update-queries';

const BADGE =
  'inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset';

/** "update available" for a result that says so; a failed check as a quieter note; else nothing. */
export function UpdateBadge({ update }: { update: TContainerUpdate | undefined }) {
  if (update?.status === 'update_available') {
    return (
      <span
        data-testid="update-available"
        className={`${BADGE} bg-accent/10 text-accent ring-accent/30`}
        title={`${update.image}: ${update.message}`}
      >
        update available
      </span>
    );
  }
  if (update?.status === 'error') {
    return (
      <span className={`${BADGE} bg-warn/10 text-warn ring-warn/30`} title={update.message}>
        check failed
      </span>
    );
  }
  return null;
}

/** The badge of one container, from the last check. */
export function ContainerUpdateBadge({ hostId, id }: { hostId: string; id: string }) {
  const index = useUpdateIndex().data;
  return <UpdateBadge update={index?.byContainer.get(containerKey(hostId, id))} />;
}

/** The badge of an image: "update available" when a container running it has one. */
export function ImageUpdateBadge({ hostId, id }: { hostId: string; id: string }) {
  const checks = useUpdateIndex().data?.byImage.get(imageKey(hostId, id)) ?? [];
  return <UpdateBadge update={checks.find((check) => check.status === 'update_available')} />;
}

/** The badge of a stack service: "update available" when one of its containers has one. */
export function ServiceUpdateBadge({
  hostId,
  containerIds,
}: {
  hostId: string;
  containerIds: readonly string[];
}) {
  const index = useUpdateIndex().data;
  const update = containerIds
    .map((id) => index?.byContainer.get(containerKey(hostId, id)))
    .find((check) => check?.status === 'update_available');
  return <UpdateBadge update={update} />;
}
