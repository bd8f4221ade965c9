'use client';

import {
  parseImageReference,
  type TPushImageRequest,
  withDefaultTag,
  ZPushImageRequest,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useCan } from '@/lib/capabilities';
import { usePullProgress } from '@/lib/container-live';
import { flattenErrors, focusFirstError, setServerErrors } from '@/lib/form-errors';
import { usePushImage } from '@/lib/image-queries';
import { useUsableRegistries } from '@/lib/registry-queries';
import { ActionDialog } from '../containers/action-dialog';
import { PullProgress } from '../containers/pull-progress';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';

const resolver = zodResolver(ZPushImageRequest);

interface PushDialogProps {
  open: boolean;
  hostId: string;
  id: string;
  /** The image's tags; the first is offered as the name to push. */
  repoTags: readonly string[];
  onClose: () => void;
}

/** `reference` with its registry replaced by `registry` (its path and tag kept). */
function onRegistry(reference: string, registry: string): string {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) return reference;
  const { path, tag } = parsed.reference;
  return `${registry}/${path}:${tag ?? 'latest'}`;
}

/**
 * Pushes the image to a registry under a name the user picks (tagged first when the image lacks
 * it), picked from the stored registries the user may push to on the host. The stored login is
 * added by the server; the bar follows the engine's push of each layer.
 */
export function PushDialog({ open, hostId, id, repoTags, onClose }: PushDialogProps) {
  const fieldsRef = useRef<HTMLDivElement>(null);
  // Without registry.use on the host no stored login goes with the push: nothing to pick.
  const mayUseRegistries = useCan(hostId, 'registry.use');
  const registries = useUsableRegistries(hostId, open && mayUseRegistries);
  const push = usePushImage(hostId, id);
  const [pushing, setPushing] = useState<string | null>(null);
  const form = useForm<TPushImageRequest>({
    defaultValues: { reference: repoTags[0] ?? '' },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const reference = useWatch({ control: form.control, name: 'reference' });
  const errors = flattenErrors(form.formState.errors);
  const progress = usePullProgress(pushing ? { hostId, image: pushing } : null);

  function submit() {
    const element = fieldsRef.current?.closest('form') ?? null;
    void form.handleSubmit(
      (request) => {
        const target = withDefaultTag(request.reference);
        setPushing(target);
        push.mutate(
          {
            reference: target,
            tagFirst: !repoTags.includes(target),
            requestId: crypto.randomUUID(),
          },
          {
            onError: (error) => {
              if (setServerErrors(form.setError, error)) focusFirstError(element);
            },
          },
        );
      },
      () => {
        push.reset();
        focusFirstError(element);
      },
    )();
  }

  function close() {
    push.reset();
    setPushing(null);
    form.reset({ reference: repoTags[0] ?? '' });
    onClose();
  }

  return (
    <ActionDialog
      open={open}
      title="Push the image"
      confirmLabel={push.isSuccess ? 'Push again' : 'Push'}
      pending={push.isPending}
      error={errors.reference ? null : push.error}
      onConfirm={submit}
      onClose={close}
    >
      <div ref={fieldsRef} className="flex flex-col gap-3">
        {(registries.data?.length ?? 0) > 0 ? (
          <SelectField
            label="Registry"
            value=""
            onValueChange={(registry) =>
              registry &&
              form.setValue('reference', onRegistry(reference, registry), { shouldDirty: true })
            }
          >
            <option value="">Choose a stored registry…</option>
            {registries.data?.map((registry) => (
              <option key={registry.id} value={registry.serverAddress}>
                {registry.name} ({registry.serverAddress})
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextField
          label="Push as"
          mono
          autoComplete="off"
          placeholder="registry.example.com:5000/team/app:1.0"
          value={reference}
          onValueChange={(value) => form.setValue('reference', value, { shouldDirty: true })}
          error={errors.reference}
          hint="A name the image lacks is tagged first. The stored login is added by the server."
        />
        {pushing ? <PullProgress action="push" image={pushing} pull={progress} /> : null}
        {push.data ? (
          <p className="text-xs text-ok" role="status">
            Pushed {push.data.reference}
            {push.data.digest ? ` (${push.data.digest.slice(0, 19)}…)` : ''}.
          </p>
        ) : null}
      </div>
    </ActionDialog>
  );
}
