'use client';

import type { TRole } from '@berth/shared';
import { useDeleteRole } from '@/lib/admin-queries';
import { ConfirmDialog } from '../ui/confirm-dialog';

export function DeleteRoleDialog({ role, onClose }: { role: TRole | null; onClose: () => void }) {
  const remove = useDeleteRole();

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={role !== null}
      title={`Delete role ${role?.name ?? ''}?`}
      confirmLabel="Delete role"
      pending={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() => {
        if (role) remove.mutate(role.id, { onSuccess: close });
      }}
    >
      A role that grants still use cannot be deleted: remove those grants first, so nobody loses
      access without a grant change in the audit log.
    </ConfirmDialog>
  );
}
