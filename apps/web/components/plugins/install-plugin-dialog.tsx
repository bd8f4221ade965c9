'use client';

import {
  type TInstallPluginRequest,
  type TPluginPrivilege,
  ZInstallPluginRequest,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { usePullProgress } from '@/lib/container-live';
import { flattenErrors, focusFirstError, setServerErrors } from '@/lib/form-errors';
import { useInstallPlugin, usePluginPrivileges } from '@/lib/plugin-queries';
import { ActionDialog } from '../containers/action-dialog';
import { PullProgress } from '../containers/pull-progress';
import { CheckboxField } from '../ui/checkbox-field';
import { TextField } from '../ui/text-field';

const resolver = zodResolver(ZInstallPluginRequest);

interface InstallPluginDialogProps {
  open: boolean;
  hostId: string;
  onClose: () => void;
}

/** `registry/name:tag` with `:latest` when no tag is given, as the server reports progress for it. */
function withTag(reference: string): string {
  const slash = reference.lastIndexOf('/');
  return reference.lastIndexOf(':') > slash ? reference : `${reference}:latest`;
}

function PrivilegeList({ privileges }: { privileges: readonly TPluginPrivilege[] }) {
  if (privileges.length === 0) {
    return <p className="text-xs text-muted">This plugin asks for no privileges.</p>;
  }
  return (
    <ul
      className="flex flex-col gap-1 rounded-md border border-border bg-surface-2/50 px-3 py-2 text-xs"
      aria-label="Privileges"
    >
      {privileges.map((p) => (
        <li key={p.name}>
          <span className="font-medium text-fg">{p.name}</span>:{' '}
          <span className="font-mono">{p.value.join(', ')}</span>
          <span className="text-muted"> — {p.description}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Installs a plugin in two steps: the reference is looked up and the privileges it asks for are
 * shown; the install sends exactly those once the user accepts them, and the pull's progress
 * shows as a bar. The server adds the stored registry login.
 */
export function InstallPluginDialog({ open, hostId, onClose }: InstallPluginDialogProps) {
  const fieldsRef = useRef<HTMLDivElement>(null);
  const lookup = usePluginPrivileges(hostId);
  const install = useInstallPlugin(hostId);
  const [accepted, setAccepted] = useState(false);
  const [started, setStarted] = useState<string | null>(null);
  const form = useForm<TInstallPluginRequest>({
    defaultValues: { remote: '', alias: '', privileges: [], settings: [], enable: true },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const remote = useWatch({ control: form.control, name: 'remote' });
  const alias = useWatch({ control: form.control, name: 'alias' }) ?? '';
  const errors = flattenErrors(form.formState.errors);
  const asked = lookup.data?.remote === withTag(remote.trim()) ? lookup.data : null;
  const pull = usePullProgress(started ? { hostId, image: started } : null);
  const fieldError = errors.remote ?? errors.alias ?? errors.privileges ?? errors.settings;

  function element() {
    return fieldsRef.current?.closest('form') ?? null;
  }

  function review() {
    install.reset();
    setAccepted(false);
    lookup.mutate(remote.trim(), {
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(element());
      },
    });
  }

  function submit() {
    if (!asked) {
      review();
      return;
    }
    if (!accepted) {
      form.setError('privileges', { type: 'manual', message: 'accept the privileges to install' });
      return;
    }
    form.setValue('privileges', asked.privileges);
    if (!alias.trim()) form.setValue('alias', undefined);
    void form.handleSubmit(
      (request) => {
        setStarted(withTag(request.remote));
        install.mutate(request, {
          onSuccess: () => close(),
          onError: (error) => {
            if (setServerErrors(form.setError, error)) focusFirstError(element());
          },
        });
      },
      () => focusFirstError(element()),
    )();
  }

  function close() {
    lookup.reset();
    install.reset();
    setStarted(null);
    setAccepted(false);
    form.reset();
    onClose();
  }

  const step = asked ? 'Install' : 'Review privileges';
  return (
    <ActionDialog
      open={open}
      title="Install a plugin"
      confirmLabel={step}
      pending={lookup.isPending || install.isPending}
      error={fieldError ? null : (install.error ?? lookup.error)}
      onConfirm={submit}
      onClose={close}
    >
      <div ref={fieldsRef} className="flex flex-col gap-3">
        <TextField
          label="Plugin reference"
          mono
          autoComplete="off"
          placeholder="registry.example.com:5000/team/volume-driver:1.0"
          value={remote}
          onValueChange={(value) => form.setValue('remote', value, { shouldDirty: true })}
          error={errors.remote}
          hint="Logins of stored registries you may use are added by the server."
        />
        <TextField
          label="Local name (optional)"
          mono
          autoComplete="off"
          placeholder="myvolumes"
          value={alias}
          onValueChange={(value) => form.setValue('alias', value, { shouldDirty: true })}
          error={errors.alias}
          hint="The driver name volumes use; the reference when left empty."
        />
        {asked ? (
          <div className="flex flex-col gap-2">
            <p className="text-xs font-medium text-fg">{asked.remote} asks for:</p>
            <PrivilegeList privileges={asked.privileges} />
            {errors.privileges ? (
              <p className="text-xs text-danger" role="alert">
                {errors.privileges}
              </p>
            ) : null}
            <CheckboxField
              label="I accept these privileges"
              checked={accepted}
              onCheckedChange={setAccepted}
            />
          </div>
        ) : null}
        {started && install.isPending ? <PullProgress image={started} pull={pull} /> : null}
      </div>
    </ActionDialog>
  );
}
