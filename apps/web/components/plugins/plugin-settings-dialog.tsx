'use client';

import { type TConfigurePluginRequest, type TPlugin, ZConfigurePluginRequest } from '@berth/shared';
import { useId, useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
} from '@/lib/form-errors';
import { useConfigurePlugin } from '@/lib/plugin-queries';
import { ActionDialog } from '../containers/action-dialog';
import { Field, describedBy } from '../ui/field';
import { inputClassName } from '../ui/input-class-name';

interface SettingsValues {
  settings: string;
}

function toRequest(values: SettingsValues): TConfigurePluginRequest {
  return {
    settings: values.settings
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  };
}

/** The settings the plugin lets you change, as `plugin set` lines, filled with today's values. */
function currentLines(plugin: TPlugin): string {
  const { env, mounts, devices } = plugin.settings;
  return [
    ...env.filter((e) => e.settable.includes('value')).map((e) => `${e.name}=${e.value ?? ''}`),
    ...mounts
      .filter((m) => m.settable.includes('source'))
      .map((m) => `${m.name}.source=${m.source ?? ''}`),
    ...devices
      .filter((d) => d.settable.includes('path'))
      .map((d) => `${d.name}.path=${d.path ?? ''}`),
  ].join('\n');
}

const HINT = 'One per line: KEY=value, mount.source=/path, device.path=/dev/x, args=…';

const resolver = requestResolver(ZConfigurePluginRequest, toRequest);

/** Changes a disabled plugin's settings (`plugin set`); the engine's refusal shows on the field. */
export function PluginSettingsDialog({
  hostId,
  plugin,
  onClose,
}: {
  hostId: string;
  plugin: TPlugin;
  onClose: () => void;
}) {
  const fieldsRef = useRef<HTMLDivElement>(null);
  const id = useId();
  const configure = useConfigurePlugin(hostId);
  const form = useForm<SettingsValues, unknown, TConfigurePluginRequest>({
    defaultValues: { settings: currentLines(plugin) },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const settings = useWatch({ control: form.control, name: 'settings' });
  const errors = flattenErrors(form.formState.errors);
  const error = Object.entries(errors).find(([key]) => key.startsWith('settings'))?.[1];

  function submit() {
    const element = fieldsRef.current?.closest('form') ?? null;
    void form.handleSubmit(
      (body) =>
        configure.mutate(
          { name: plugin.id, body },
          {
            onSuccess: onClose,
            onError: (e) => {
              if (setServerErrors(form.setError, e)) focusFirstError(element);
            },
          },
        ),
      () => focusFirstError(element),
    )();
  }

  return (
    <ActionDialog
      open
      title={`Settings of ${plugin.name}`}
      confirmLabel="Save settings"
      pending={configure.isPending}
      error={error ? null : configure.error}
      onConfirm={submit}
      onClose={onClose}
    >
      <div ref={fieldsRef} className="flex flex-col gap-2">
        {plugin.enabled ? (
          <p className="text-xs text-warn">
            The engine changes settings only while the plugin is disabled.
          </p>
        ) : null}
        <Field id={id} label="Settings" error={error} hint={HINT}>
          <textarea
            id={id}
            aria-describedby={describedBy(id, error, HINT)}
            aria-invalid={error ? true : undefined}
            rows={5}
            className={`${inputClassName} py-1.5 font-mono text-[13px]`}
            value={settings}
            onChange={(event) =>
              form.setValue('settings', event.target.value, { shouldDirty: true })
            }
          />
        </Field>
      </div>
    </ActionDialog>
  );
}
