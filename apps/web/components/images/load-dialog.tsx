'use client';

import { useId, useState } from 'react';
import { ApiError } from '@/lib/api';
import { useLoadImages } from '@/lib/image-queries';
import { ActionDialog } from '../containers/action-dialog';
import { PullProgress } from '../containers/pull-progress';
import { describedBy, Field } from '../ui/field';
import { HostSelectField } from '../ui/host-select-field';

const HINT = 'A tar archive as docker save (or Save here) makes it.';

/**
 * Loads the images of a `docker save` archive onto a host: the bar follows the upload, which the
 * engine reads as it arrives; the names loaded are listed at the end.
 */
export function LoadDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const inputId = useId();
  const [hostId, setHostId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [missing, setMissing] = useState<{ hostId?: string; file?: string }>({});
  const load = useLoadImages((fraction) => setSent(fraction));
  const issue = load.error instanceof ApiError ? load.error.issues[0] : undefined;
  const fileError = missing.file ?? issue?.message;

  function submit() {
    const problems = {
      ...(hostId ? {} : { hostId: 'choose a host' }),
      ...(file ? {} : { file: 'choose an archive' }),
    };
    setMissing(problems);
    if (!file || !hostId) return;
    setSent(0);
    load.mutate({ hostId, file, requestId: crypto.randomUUID() });
  }

  function close() {
    load.reset();
    setFile(null);
    setSent(null);
    setMissing({});
    onClose();
  }

  const progress =
    sent === null
      ? null
      : {
          status: load.isPending
            ? sent < 1
              ? 'Sending the archive…'
              : 'The engine is loading the layers…'
            : load.isError
              ? 'failed'
              : 'complete',
          layers: {},
          fraction: load.isPending ? sent : 1,
          done: !load.isPending,
          error: load.isError ? load.error.message : null,
        };

  return (
    <ActionDialog
      open={open}
      title="Load images"
      confirmLabel={load.isSuccess ? 'Load another' : 'Load'}
      pending={load.isPending}
      error={issue ? null : load.error}
      onConfirm={submit}
      onClose={close}
    >
      <HostSelectField
        label="Host"
        value={hostId}
        onValueChange={setHostId}
        permission="image.pull"
        shared
        error={missing.hostId}
      />
      <Field id={inputId} label="Archive" error={fileError} hint={HINT}>
        <input
          id={inputId}
          type="file"
          accept=".tar,application/x-tar"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={describedBy(inputId, fileError, HINT)}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          className="text-xs text-fg file:mr-2 file:rounded-md file:border file:border-border file:bg-surface-2 file:px-2 file:py-1 file:text-fg"
        />
      </Field>
      {progress && file ? <PullProgress action="load" image={file.name} pull={progress} /> : null}
      {load.data ? (
        <ul className="flex flex-col gap-0.5 font-mono text-xs text-ok" aria-label="Loaded images">
          {load.data.loaded.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      ) : null}
    </ActionDialog>
  );
}
