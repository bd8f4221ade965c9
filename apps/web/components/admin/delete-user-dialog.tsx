'use client';

import type { TUserAccount } from '@berth/shared';
import { useDeleteUser } from '@/lib/admin-queries';
import { ConfirmDialog } from '../ui/confirm-dialog';

interface DeleteUserDialogProps {
  /** The user to delete; the dialog is closed while this is null. */
  user: TUserAccount | null;
  onClose: () => void;
}

export function DeleteUserDialog({ user, onClose }: DeleteUserDialogProps) {
  const remove = useDeleteUser();

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={user !== null}
      title={`Delete ${user?.username ?? 'user'}?`}
      confirmLabel="Delete user"
      pending={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() => {
        if (user) remove.mutate(user.id, { onSuccess: close });
      }}
    >
      The account is deleted with its sessions, API tokens, team memberships and grants. Audit
      records keep the name. To keep the account but stop its access, disable it instead.
    </ConfirmDialog>
  );
}
