'use client';

import type { FormEvent, ReactNode, Ref } from 'react';
import { Button } from '../ui/button';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';

export interface NewRoleDraft {
  name: string;
  description: string;
  permissions: string[];
}

interface NewRoleFormProps {
  formRef: Ref<HTMLFormElement>;
  draft: NewRoleDraft;
  onChange: (field: 'name' | 'description', value: string) => void;
  errors: { name?: string | undefined; description?: string | undefined };
  /** A problem with the picked permissions, shown under the count. */
  permissionsError: string | undefined;
  notice: ReactNode;
  pending: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  onCancel: () => void;
}

/** Name and description of the role being created; its permissions are ticked in the matrix. */
export function NewRoleForm({
  formRef,
  draft,
  onChange,
  errors,
  permissionsError,
  notice,
  pending,
  onSubmit,
  onCancel,
}: NewRoleFormProps) {
  const count = draft.permissions.length;
  return (
    <Panel title="New custom role">
      <form ref={formRef} noValidate onSubmit={onSubmit} className="flex flex-col gap-4">
        <div className="grid gap-3 md:grid-cols-2">
          <TextField
            label="Role name"
            autoFocus
            autoComplete="off"
            placeholder="deployer"
            value={draft.name}
            onValueChange={(name) => onChange('name', name)}
            error={errors.name}
          />
          <TextField
            label="Description (optional)"
            autoComplete="off"
            placeholder="Deploys stacks, reads logs"
            value={draft.description}
            onValueChange={(description) => onChange('description', description)}
            error={errors.description}
          />
        </div>
        <div className="flex flex-col gap-0.5 text-sm">
          <p className="text-fg">
            {count === 0
              ? 'Tick its permissions in the highlighted column of the matrix below.'
              : `${count} permission${count === 1 ? '' : 's'} ticked in the matrix below.`}
          </p>
          {permissionsError ? (
            <p className="text-xs font-medium text-danger">{permissionsError}</p>
          ) : null}
        </div>
        {notice}
        <div className="flex justify-end gap-2">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? 'Creating…' : 'Create role'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
