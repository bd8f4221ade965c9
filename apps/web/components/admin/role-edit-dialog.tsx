'use client';

import { ZUpdateRoleRequest, type TRole, type TUpdateRoleRequest } from '@berth/shared';
import { useId, useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useUpdateRole } from '@/lib/admin-queries';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
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

interface RoleEditValues {
  name: string;
  description: string;
}

// The form's values are the request as they stand.
const resolver = requestResolver(ZUpdateRoleRequest, (values: RoleEditValues) => values);

function RoleEditForm({
  role,
  titleId,
  onClose,
}: {
  role: TRole;
  titleId: string;
  onClose: () => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<RoleEditValues, unknown, TUpdateRoleRequest>({
    defaultValues: { name: role.name, description: role.description },
    resolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const [name, description] = useWatch({ control: form.control, name: ['name', 'description'] });
  const update = useUpdateRole();
  const errors = flattenErrors(form.formState.errors);

  function onValid(body: TUpdateRoleRequest) {
    update.reset();
    update.mutate(
      { id: role.id, body },
      {
        onSuccess: onClose,
        onError: (error) => {
          if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
        },
      },
    );
  }

  return (
    <form
      ref={formRef}
      onSubmit={(event) => submitForm(event, form, onValid, update.reset)}
      noValidate
      className="flex flex-col gap-3 p-5"
    >
      <h2 id={titleId} className="text-base font-semibold">
        Rename {role.name}
      </h2>
      <TextField
        label="Role name"
        autoFocus
        autoComplete="off"
        value={name}
        onValueChange={(value) => form.setValue('name', value, { shouldDirty: true })}
        error={errors.name}
      />
      <TextField
        label="Description (optional)"
        autoComplete="off"
        value={description}
        onValueChange={(value) => form.setValue('description', value, { shouldDirty: true })}
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
