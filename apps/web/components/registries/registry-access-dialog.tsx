'use client';

import { type TRegistry, type TRegistryAccess, ZRegistryAccess } from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useId } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useTeams, useUsers } from '@/lib/admin-queries';
import { flattenErrors, setServerErrors } from '@/lib/form-errors';
import { useHosts } from '@/lib/queries';
import { useSetRegistryAccess } from '@/lib/registry-queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { useModalDialog } from '../ui/use-modal-dialog';

interface RegistryAccessDialogProps {
  registry: TRegistry;
  onClose: () => void;
}

/** Who besides administrators may pull and push with the registry's login, and on which hosts. */
export function RegistryAccessDialog({ registry, onClose }: RegistryAccessDialogProps) {
  const dialog = useModalDialog(true);
  const titleId = useId();
  const save = useSetRegistryAccess(registry.id);
  const users = useUsers();
  const teams = useTeams();
  const hosts = useHosts();
  const form = useForm<TRegistryAccess>({
    defaultValues: registry.access,
    resolver: zodResolver(ZRegistryAccess),
  });
  const access = useWatch({ control: form.control }) as TRegistryAccess;
  const errors = flattenErrors(form.formState.errors);

  function toggle(field: 'users' | 'teams' | 'hostIds' | 'hostGroups', id: string, on: boolean) {
    const current = access[field] ?? [];
    form.setValue(field, on ? [...current, id] : current.filter((known) => known !== id), {
      shouldDirty: true,
    });
  }

  const groups = [
    {
      field: 'users' as const,
      label: 'Users',
      items: (users.data ?? []).filter((u) => !u.isAdmin).map((u) => [u.id, u.username] as const),
    },
    {
      field: 'teams' as const,
      label: 'Teams',
      items: (teams.data ?? []).map((t) => [t.id, t.name] as const),
    },
    {
      field: 'hostIds' as const,
      label: 'Only on these hosts… (no host nor group: every host with registry.use)',
      items: (hosts.data ?? []).map((h) => [h.id, h.name] as const),
    },
    {
      field: 'hostGroups' as const,
      label: '…and the hosts of these groups',
      items: [...new Set((hosts.data ?? []).flatMap((h) => (h.group ? [h.group] : [])))]
        .sort()
        .map((group) => [group, group] as const),
    },
  ];

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/50"
    >
      <form
        noValidate
        className="flex flex-col gap-4 p-5"
        onSubmit={(event) =>
          void form.handleSubmit((body) =>
            save.mutate(body, {
              onSuccess: onClose,
              onError: (error) => setServerErrors(form.setError, error),
            }),
          )(event)
        }
      >
        <h2 id={titleId} className="text-base font-semibold">
          Access to {registry.name}
        </h2>
        <p className="text-sm text-muted">
          Administrators always use its login. Others pull and push with it only when named here and
          granted <code>registry.use</code> on the host; everyone else goes anonymously.
        </p>
        {groups.map((group) => (
          <fieldset key={group.field} className="flex flex-col gap-1.5">
            <legend className="mb-1 text-xs font-medium text-muted">{group.label}</legend>
            {group.items.length === 0 ? <p className="text-xs text-muted">None.</p> : null}
            <div className="grid max-h-40 grid-cols-2 gap-1 overflow-auto">
              {group.items.map(([id, name]) => (
                <label key={id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={(access[group.field] ?? []).includes(id)}
                    onChange={(event) => toggle(group.field, id, event.target.checked)}
                    className="size-4 accent-[var(--accent)]"
                  />
                  {name}
                </label>
              ))}
            </div>
            {errors[group.field] ? (
              <p className="text-xs text-danger">{errors[group.field]}</p>
            ) : null}
          </fieldset>
        ))}
        {save.error ? <ErrorNotice error={save.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save access'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
