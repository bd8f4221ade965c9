'use client';

import type { TUpdateStatus } from '@berth/shared';
import { CloudDownload, RefreshCw } from 'lucide-react';
import { useState } from 'react';
import { useCan } from '@/lib/capabilities';
import { formatRelativeTime } from '@/lib/format';
import {
  containerKey,
  useCheckUpdates,
  usePullAndRecreate,
  useUpdateIndex,
} from '@/lib/update-queries';
import { useNow } from '@/lib/use-now';
import { ActionDialog } from '../containers/action-dialog';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { UpdateBadge } from './update-badge';

const STATUS_TEXT: Record<TUpdateStatus, string> = {
  up_to_date: 'Image up to date',
  update_available: 'A newer image is in the registry',
  unknown: 'Update status unknown',
  error: 'The update check failed',
};

interface ContainerUpdateStatusProps {
  hostId: string;
  id: string;
  name: string;
  image: string;
  running: boolean;
}

/**
 * A running container's last update check, a check on demand, and "pull and recreate" when the
 * registry has a newer image: shown only to users who may create and remove containers and pull
 * images on the host (what the server asks of it).
 */
export function ContainerUpdateStatus({
  hostId,
  id,
  name,
  image,
  running,
}: ContainerUpdateStatusProps) {
  const now = useNow();
  const update = useUpdateIndex().data?.byContainer.get(containerKey(hostId, id));
  const check = useCheckUpdates();
  const pullAndRecreate = usePullAndRecreate(hostId, id);
  const [confirming, setConfirming] = useState(false);
  // Each permission asked unconditionally: hooks run in the same order on every render.
  const canCreate = useCan(hostId, 'container.create');
  const canRemove = useCan(hostId, 'container.delete');
  const canPull = useCan(hostId, 'image.pull');
  const canReplace = canCreate && canRemove && canPull;
  if (!running) return null;
  return (
    <div
      data-testid="container-update"
      className="mb-4 flex flex-wrap items-center gap-2 rounded-md border border-border px-3 py-2 text-sm"
    >
      <UpdateBadge update={update} />
      <span className="text-muted" title={update?.message}>
        {update
          ? `${STATUS_TEXT[update.status]} (${update.message}), checked ${formatRelativeTime(update.checkedAt, now)}`
          : 'Not checked for image updates yet'}
      </span>
      <span className="ml-auto flex gap-1.5">
        <Button
          size="sm"
          variant="ghost"
          disabled={check.isPending}
          onClick={() => check.mutate({ hostId, containers: [id] })}
        >
          <RefreshCw aria-hidden />
          {check.isPending ? 'Checking…' : 'Check for update'}
        </Button>
        {canReplace && update?.status === 'update_available' ? (
          <Button
            size="sm"
            variant="primary"
            onClick={() => {
              pullAndRecreate.reset();
              setConfirming(true);
            }}
          >
            <CloudDownload aria-hidden />
            Pull and recreate
          </Button>
        ) : null}
      </span>
      {check.error ? (
        <div className="w-full">
          <ErrorNotice error={check.error} />
        </div>
      ) : null}
      <ActionDialog
        open={confirming}
        title={`Pull and recreate ${name}?`}
        confirmLabel="Pull and recreate"
        pending={pullAndRecreate.isPending}
        error={pullAndRecreate.error}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          pullAndRecreate.mutate(undefined, { onSuccess: () => setConfirming(false) })
        }
      >
        <p>
          <span className="font-mono">{image}</span> is pulled again (with the stored registry
          login) and a new container with the same configuration, name, networks and mounts replaces
          this one. If the pull or anything after it fails, this one keeps running.
        </p>
      </ActionDialog>
    </div>
  );
}
