'use client';

import { type TTagImageRequest, ZTagImageRequest } from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { flattenErrors, focusFirstError, setServerErrors } from '@/lib/form-errors';
import { formatBytes } from '@/lib/format';
import { usePruneImages, useRemoveImage, useTagImage } from '@/lib/image-queries';
import { ActionDialog } from '../containers/action-dialog';
import { CheckboxField } from '../ui/checkbox-field';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';

const tagResolver = zodResolver(ZTagImageRequest);

interface ImageDialogProps {
  open: boolean;
  hostId: string;
  id: string;
  name: string;
  onClose: () => void;
}

/** Gives the image another name; the field shows what the API or the engine says of it. */
export function TagDialog({ open, hostId, id, name, onClose }: ImageDialogProps) {
  const fieldsRef = useRef<HTMLDivElement>(null);
  const tag = useTagImage(hostId, id);
  const form = useForm<TTagImageRequest>({
    defaultValues: { reference: '' },
    resolver: tagResolver,
    reValidateMode: 'onSubmit',
  });
  const reference = useWatch({ control: form.control, name: 'reference' });
  const errors = flattenErrors(form.formState.errors);

  function close() {
    tag.reset();
    form.reset();
    onClose();
  }

  function submit() {
    const element = fieldsRef.current?.closest('form') ?? null;
    void form.handleSubmit(
      (request) =>
        tag.mutate(request, {
          onSuccess: close,
          onError: (error) => {
            if (setServerErrors(form.setError, error)) focusFirstError(element);
          },
        }),
      () => {
        tag.reset();
        focusFirstError(element);
      },
    )();
  }

  return (
    <ActionDialog
      open={open}
      title={`Tag ${name}`}
      confirmLabel="Tag"
      pending={tag.isPending}
      error={errors.reference ? null : tag.error}
      onConfirm={submit}
      onClose={close}
    >
      <div ref={fieldsRef}>
        <TextField
          label="New name"
          mono
          autoComplete="off"
          placeholder="registry.example.com:5000/team/app:1.0"
          value={reference}
          onValueChange={(value) => form.setValue('reference', value, { shouldDirty: true })}
          error={errors.reference}
          hint="Without a tag it is tagged latest."
        />
      </div>
    </ActionDialog>
  );
}

/** Removes the image (or, when it has several tags, the tag shown); force removes it in use too. */
export function RemoveDialog({
  open,
  hostId,
  id,
  name,
  onClose,
  onRemoved,
}: ImageDialogProps & { onRemoved: () => void }) {
  const remove = useRemoveImage(hostId, id);
  const [force, setForce] = useState(false);
  function close() {
    remove.reset();
    setForce(false);
    onClose();
  }
  return (
    <ActionDialog
      open={open}
      title={`Remove ${name}?`}
      confirmLabel="Remove"
      variant="danger"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() =>
        remove.mutate(
          { force },
          {
            onSuccess: () => {
              close();
              onRemoved();
            },
          },
        )
      }
      onClose={close}
    >
      <p>The image and its layers no other image uses are deleted from the host.</p>
      <CheckboxField
        label="Force"
        checked={force}
        onCheckedChange={setForce}
        hint="Also when stopped containers use it, and with every tag it has."
      />
    </ActionDialog>
  );
}

/** Prunes one host's dangling or unused images, saying first what goes and then what was freed. */
export function PruneDialog({
  open,
  hostId,
  hostName,
  onClose,
}: {
  open: boolean;
  hostId: string;
  hostName: string;
  onClose: () => void;
}) {
  const prune = usePruneImages(hostId);
  const [mode, setMode] = useState<'dangling' | 'unused'>('dangling');
  function close() {
    prune.reset();
    setMode('dangling');
    onClose();
  }
  const done = prune.data;
  return (
    <ActionDialog
      open={open}
      title={`Prune images on ${hostName}?`}
      confirmLabel={done ? 'Prune again' : 'Prune'}
      variant="danger"
      pending={prune.isPending}
      error={prune.error}
      onConfirm={() => prune.mutate({ mode })}
      onClose={close}
    >
      <SelectField
        label="Remove"
        value={mode}
        onValueChange={(value) => setMode(value === 'unused' ? 'unused' : 'dangling')}
      >
        <option value="dangling">Dangling images (no tag)</option>
        <option value="unused">Every image no container uses</option>
      </SelectField>
      <p>
        {mode === 'dangling'
          ? 'Images without a tag, left behind by newer pulls and builds, are deleted.'
          : 'Every image that no container (running or stopped) uses is deleted, tagged or not.'}
      </p>
      {done ? (
        <p role="status" className="text-fg">
          Removed {done.deleted.length} image layer{done.deleted.length === 1 ? '' : 's'}, reclaimed{' '}
          {formatBytes(done.spaceReclaimed)}.
        </p>
      ) : null}
    </ActionDialog>
  );
}
