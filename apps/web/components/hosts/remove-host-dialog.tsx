'use client';

import type { THost } from '@berth/shared';
import { useRemoveHost } from '@/lib/queries';
import { ConfirmDialog } from '../ui/confirm-dialog';

interface RemoveHostDialogProps {
  /** The host to remove; the dialog is closed while this is null. */
  host: Pick<THost, 'id' | 'name'> | null;
  onClose: () => void;
  onRemoved?: () => void;
}

export function RemoveHostDialog({ host, onClose, onRemoved }: RemoveHostDialogProps) {
  const remove = useRemoveHost();

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={host !== null}
      title={`Remove ${host?.name ?? 'host'}?`}
      confirmLabel="Remove host"
      pending={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() => {
        if (!host) return;
        remove.mutate(host.id, {
          onSuccess: () => {
            close();
            onRemoved?.();
          },
        });
      }}
    >
      Berth forgets this host and its stored credentials. Nothing on the host itself is changed: its
      containers, images and volumes stay as they are.
    </ConfirmDialog>
  );
}
