'use client';

import {
  ZCreateRoleRequest,
  ZUpdateRoleRequest,
  type TCreateRoleRequest,
  type TPermissionInfo,
  type TRole,
} from '@berth/shared';
import { Plus } from 'lucide-react';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { groupPermissions, samePermissions, withPermissions } from '@/lib/admin-permissions';
import { useCreateRole, usePermissions, useRoles, useUpdateRole } from '@/lib/admin-queries';
import { errorAt } from '@/lib/field-errors';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { AdminError } from './admin-error';
import { DeleteRoleDialog } from './delete-role-dialog';
import { LoadingBlock } from './loading-block';
import { NewRoleForm, type NewRoleDraft } from './new-role-form';
import { RoleEditDialog } from './role-edit-dialog';
import { RoleMatrix, type MatrixColumn } from './role-matrix';

export function RolesView() {
  const catalog = usePermissions();
  const roles = useRoles();
  if (catalog.isPending || roles.isPending) return <LoadingBlock label="Loading roles" rows={8} />;
  if (catalog.isError) {
    return <AdminError error={catalog.error} onRetry={() => void catalog.refetch()} />;
  }
  if (roles.isError) return <AdminError error={roles.error} onRetry={() => void roles.refetch()} />;
  return <RoleMatrixEditor catalog={catalog.data} roles={roles.data} />;
}

const EMPTY_DRAFT: NewRoleDraft = { name: '', description: '', permissions: [] };

// An empty description is left out of the request rather than sent as "".
const newRoleResolver = requestResolver(ZCreateRoleRequest, (draft: NewRoleDraft) => ({
  name: draft.name,
  description: draft.description.trim() === '' ? undefined : draft.description,
  permissions: draft.permissions,
}));

/** The permissions that differ between two lists. */
function difference(a: readonly string[], b: readonly string[]): Set<string> {
  const inA = new Set(a);
  const inB = new Set(b);
  return new Set([...a.filter((name) => !inB.has(name)), ...b.filter((name) => !inA.has(name))]);
}

/**
 * Edits to custom roles collect as drafts until "Save changes" sends one PATCH per changed role;
 * a new role is a draft column until "Create role".
 */
function RoleMatrixEditor({
  catalog,
  roles,
}: {
  catalog: readonly TPermissionInfo[];
  roles: readonly TRole[];
}) {
  const [edits, setEdits] = useState<Record<string, string[]>>({});
  const [failures, setFailures] = useState<Record<string, unknown>>({});
  const [saving, setSaving] = useState(false);
  const [creating, setCreating] = useState(false);
  const newFormRef = useRef<HTMLFormElement>(null);
  const newForm = useForm<NewRoleDraft, unknown, TCreateRoleRequest>({
    defaultValues: EMPTY_DRAFT,
    resolver: newRoleResolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const newRole = useWatch({ control: newForm.control }) as NewRoleDraft;
  const [renaming, setRenaming] = useState<TRole | null>(null);
  const [deleting, setDeleting] = useState<TRole | null>(null);
  const create = useCreateRole();
  const update = useUpdateRole();

  const groups = groupPermissions(catalog);
  const edited = (role: TRole) => {
    const draft = edits[role.id];
    return draft !== undefined && !samePermissions(draft, role.permissions);
  };
  const changedRoles = roles.filter((role) => !role.builtIn && edited(role));

  const columns: MatrixColumn[] = roles.map((role) => {
    const current = edits[role.id] ?? role.permissions;
    return {
      key: role.id,
      name: role.name,
      description: role.description,
      kind: role.builtIn ? 'built-in' : 'custom',
      role,
      permissions: new Set(current),
      edited: difference(current, role.permissions),
      failed: failures[role.id] !== undefined,
    };
  });
  if (creating) {
    columns.push({
      key: 'new-role',
      name: newRole.name.trim() || 'new role',
      description: newRole.description,
      kind: 'new',
      role: null,
      permissions: new Set(newRole.permissions),
      edited: new Set(),
      failed: false,
    });
  }

  function toggle(column: MatrixColumn, names: readonly string[], checked: boolean) {
    if (column.kind === 'new') {
      const permissions = newForm.getValues('permissions');
      newForm.setValue('permissions', withPermissions(permissions, names, checked, catalog), {
        shouldDirty: true,
      });
      return;
    }
    const role = column.role;
    if (!role || role.builtIn) return;
    setEdits((previous) => ({
      ...previous,
      [role.id]: withPermissions(previous[role.id] ?? role.permissions, names, checked, catalog),
    }));
  }

  async function saveChanges() {
    setSaving(true);
    const failed: Record<string, unknown> = {};
    for (const role of changedRoles) {
      const parsed = ZUpdateRoleRequest.safeParse({ permissions: edits[role.id] });
      if (!parsed.success) {
        failed[role.id] = new Error('A role needs at least one permission; delete it instead.');
        continue;
      }
      try {
        await update.mutateAsync({ id: role.id, body: parsed.data });
        setEdits(({ [role.id]: _saved, ...rest }) => rest);
      } catch (error) {
        failed[role.id] = error;
      }
    }
    setFailures(failed);
    setSaving(false);
  }

  function discard() {
    setEdits({});
    setFailures({});
  }

  const newErrors = flattenErrors(newForm.formState.errors);
  const permissionsError = errorAt(newErrors, 'permissions');

  function createRole(request: TCreateRoleRequest) {
    create.reset();
    create.mutate(request, {
      onSuccess: () => setCreating(false),
      onError: (error) => {
        if (setServerErrors(newForm.setError, error)) focusFirstError(newFormRef.current);
      },
    });
  }

  function startNewRole() {
    create.reset();
    newForm.reset(EMPTY_DRAFT);
    setCreating(true);
  }

  const failedRoles = roles.filter((role) => failures[role.id] !== undefined);
  return (
    <div className="flex flex-col gap-5">
      {creating ? (
        <NewRoleForm
          formRef={newFormRef}
          draft={newRole}
          onChange={(key, value) => newForm.setValue(key, value, { shouldDirty: true })}
          errors={newErrors}
          permissionsError={
            permissionsError ? 'Tick at least one permission in the highlighted column.' : undefined
          }
          notice={
            create.error && !newErrors.name && !permissionsError ? (
              <ErrorNotice error={create.error} />
            ) : null
          }
          pending={create.isPending}
          onSubmit={(event) => submitForm(event, newForm, createRole, create.reset)}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {failedRoles.map((role) => (
        <ErrorNotice
          key={role.id}
          title={`The changes to “${role.name}” were not saved`}
          error={failures[role.id]}
        />
      ))}
      <Panel
        flush
        title="Permission matrix"
        actions={
          <>
            {changedRoles.length > 0 ? (
              <>
                <span role="status" className="text-xs text-warn">
                  Unsaved changes in {changedRoles.length} role
                  {changedRoles.length === 1 ? '' : 's'}
                </span>
                <Button size="sm" variant="ghost" onClick={discard} disabled={saving}>
                  Discard
                </Button>
                <Button
                  size="sm"
                  variant="primary"
                  onClick={() => void saveChanges()}
                  disabled={saving}
                >
                  {saving ? 'Saving…' : 'Save changes'}
                </Button>
              </>
            ) : null}
            {creating ? null : (
              <Button
                size="sm"
                variant={changedRoles.length > 0 ? 'secondary' : 'primary'}
                onClick={startNewRole}
              >
                <Plus aria-hidden />
                New role
              </Button>
            )}
          </>
        }
      >
        <p className="border-b border-border px-4 py-2 text-xs text-muted">
          Built-in roles are fixed. Tick boxes in a custom role&apos;s column and save; a
          group&apos;s box ticks all of it. Arrow keys move between boxes, Space ticks.
        </p>
        <RoleMatrix
          groups={groups}
          columns={columns}
          total={catalog.length}
          onToggle={toggle}
          onRename={setRenaming}
          onDelete={setDeleting}
        />
      </Panel>
      <RoleLegend roles={roles} />
      <RoleEditDialog role={renaming} onClose={() => setRenaming(null)} />
      <DeleteRoleDialog role={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}

/** What each role is for, in words: the matrix headers have room for names only. */
function RoleLegend({ roles }: { roles: readonly TRole[] }) {
  return (
    <Panel title="Roles">
      <dl className="grid gap-x-8 gap-y-3 text-sm md:grid-cols-2 xl:grid-cols-3">
        {roles.map((role) => (
          <div key={role.id} className="flex flex-col gap-0.5">
            <dt className="font-medium text-fg">
              {role.name}
              <span className="ml-2 text-xs font-normal text-muted">
                {role.builtIn ? 'built-in' : 'custom'} · {role.permissions.length} permissions
              </span>
            </dt>
            <dd className="text-xs text-muted">{role.description || 'No description.'}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
