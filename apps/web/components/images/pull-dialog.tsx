'use client';

import { type TPullImagesRequest, ZPullImagesRequest } from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { usePullProgress } from '@/lib/container-live';
import { flattenErrors, focusFirstError, setServerErrors } from '@/lib/form-errors';
import { usePullImages } from '@/lib/image-queries';
import { ActionDialog } from '../containers/action-dialog';
import { PullProgress } from '../containers/pull-progress';
import { CheckboxField } from '../ui/checkbox-field';
import { TextField } from '../ui/text-field';

const resolver = zodResolver(ZPullImagesRequest);

interface PullDialogProps {
  open: boolean;
  /** Hosts the user may pull on, with their names. */
  hosts: readonly { hostId: string; name: string }[];
  onClose: () => void;
}

/** One host's pull: the bar follows the engine's progress events for that host and image. */
function HostPull({ hostId, name, image }: { hostId: string; name: string; image: string }) {
  const pull = usePullProgress({ hostId, image });
  return (
    <div className="flex flex-col gap-1" data-testid={`pull-${name}`}>
      <span className="text-xs font-medium text-fg">{name}</span>
      <PullProgress image={image} pull={pull} />
    </div>
  );
}

/**
 * Pulls a reference to the chosen hosts at once: the server adds the stored registry login, and
 * each host's layers show as a progress bar while the engines pull.
 */
export function PullDialog({ open, hosts, onClose }: PullDialogProps) {
  const fieldsRef = useRef<HTMLDivElement>(null);
  const pull = usePullImages();
  const [started, setStarted] = useState<TPullImagesRequest | null>(null);
  const form = useForm<TPullImagesRequest>({
    defaultValues: { reference: '', hostIds: hosts.length === 1 ? [hosts[0]!.hostId] : [] },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const reference = useWatch({ control: form.control, name: 'reference' });
  const hostIds = useWatch({ control: form.control, name: 'hostIds' });
  const errors = flattenErrors(form.formState.errors);
  const fieldError = errors.reference ?? errors.hostIds;
  const results = pull.data?.results ?? [];
  const nameOf = (hostId: string) => hosts.find((h) => h.hostId === hostId)?.name ?? hostId;

  function submit() {
    const element = fieldsRef.current?.closest('form') ?? null;
    void form.handleSubmit(
      (request) => {
        setStarted(request);
        pull.mutate(request, {
          onError: (error) => {
            if (setServerErrors(form.setError, error)) focusFirstError(element);
          },
        });
      },
      () => {
        pull.reset();
        focusFirstError(element);
      },
    )();
  }

  function close() {
    pull.reset();
    setStarted(null);
    form.reset();
    onClose();
  }

  return (
    <ActionDialog
      open={open}
      title="Pull an image"
      confirmLabel={started && !pull.isPending ? 'Pull again' : 'Pull'}
      pending={pull.isPending}
      error={fieldError ? null : pull.error}
      onConfirm={submit}
      onClose={close}
    >
      <div ref={fieldsRef} className="flex flex-col gap-3">
        <TextField
          label="Image reference"
          mono
          autoComplete="off"
          placeholder="registry.example.com:5000/team/app:1.0"
          value={reference}
          onValueChange={(value) => form.setValue('reference', value, { shouldDirty: true })}
          error={errors.reference}
          hint="Logins of stored registries you may use are added by the server."
        />
        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-xs font-medium text-fg">Hosts</legend>
          {hosts.map((host) => (
            <CheckboxField
              key={host.hostId}
              label={host.name}
              checked={hostIds.includes(host.hostId)}
              onCheckedChange={(checked) =>
                form.setValue(
                  'hostIds',
                  checked ? [...hostIds, host.hostId] : hostIds.filter((id) => id !== host.hostId),
                  { shouldDirty: true },
                )
              }
            />
          ))}
          {errors.hostIds ? (
            <p className="text-xs text-danger" role="alert">
              {errors.hostIds}
            </p>
          ) : null}
        </fieldset>
        {started ? (
          <div className="flex flex-col gap-2" aria-live="polite">
            {started.hostIds.map((hostId) => (
              <HostPull
                key={hostId}
                hostId={hostId}
                name={nameOf(hostId)}
                image={started.reference}
              />
            ))}
          </div>
        ) : null}
        {results.length > 0 ? (
          <ul className="flex flex-col gap-1 text-xs" aria-label="Pull results">
            {results.map((result) => (
              <li key={result.hostId} className={result.ok ? 'text-ok' : 'text-danger'}>
                {nameOf(result.hostId)}: {result.ok ? 'pulled' : result.error?.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </ActionDialog>
  );
}
