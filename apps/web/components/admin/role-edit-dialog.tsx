'use client';

import { ZUpdateRoleRequest, type TRole } from '@berth/shared';
import { useId, useState, type FormEvent } from 'react';
import { useUpdateRole } from '@/lib/admin-queries';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';
import { useModalDialog } from '../ui/use-modal-dialog';

interface RoleEditDialogProps {
  /** The custom role to rename; closed while null. */
  role: TRole | null;
  onClose: () => void;
}

/** Renames a custom role or changes its description; its permissions are edited in the matrix. */
export function RoleEditDialog({ role, onClose }: RoleEditDialogProps) {
  const dialog = useModalDialog(role !== null);
  const titleId = useId();
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/50"
    >
      {role ? <RoleEditForm key={role.id} role={role} titleId={titleId} onClose={onClose} /> : null}
    </dialog>
  );
}

function RoleEditForm({
  role,
  titleId,
  onClose,
}: {
  role: TRole;
  titleId: string;
  onClose: () => void;
}) {
  const [name, setName] = useState(role.name);
  const [description, setDescription] = useState(role.description);
  const [invalid, setInvalid] = useState<FieldErrors>({});
  const update = useUpdateRole();
  const errors = { ...fieldErrorsFromError(update.error), ...invalid };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZUpdateRoleRequest.safeParse({ name, description });
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    if (parsed.success) update.mutate({ id: role.id, body: parsed.data }, { onSuccess: onClose });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3 p-5">
      <h2 id={titleId} className="text-base font-semibold">
        Rename {role.name}
      </h2>
      <TextField
        label="Role name"
        autoFocus
        autoComplete="off"
        value={name}
        onValueChange={setName}
        error={errors.name}
      />
      <TextField
        label="Description (optional)"
        autoComplete="off"
        value={description}
        onValueChange={setDescription}
        error={errors.description}
      />
      <p className="text-xs text-muted">Grants follow the role: they show the new name at once.</p>
      {update.error && !errors.name ? <ErrorNotice error={update.error} /> : null}
      <div className="flex justify-end gap-2 pt-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </Button>
      </div>
    </form>
  );
}
