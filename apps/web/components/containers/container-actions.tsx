'use client';

import {
  CONTAINER_ACTION_PERMISSIONS,
  ZRenameContainerRequest,
  type Permission,
  type TBulkAction,
  type TContainerInspect,
} from '@berth/shared';
import {
  Copy,
  Pause,
  Pencil,
  Play,
  RefreshCcw,
  RotateCcw,
  Skull,
  SlidersHorizontal,
  Square,
  Trash2,
} from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toastDone } from '@/lib/action-toasts';
import { can, useCapabilities } from '@/lib/capabilities';
import { containerHref } from '@/lib/container-format';
import type { InspectView } from '@/lib/container-inspect';
import {
  useContainerAction,
  useRecreateContainer,
  useRemoveContainer,
  useRenameContainer,
} from '@/lib/container-queries';
import { fieldErrorsFromError, fieldErrorsFromIssues } from '@/lib/field-errors';
import { Button, buttonClassName } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';
import { ActionDialog } from './action-dialog';
import { ResourcesDialog } from './resources-dialog';

type Dialog = 'stop' | 'kill' | 'rename' | 'resources' | 'remove' | 'recreate' | null;

const SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

function secondsOrUndefined(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

interface ContainerActionsProps {
  hostId: string;
  view: InspectView;
  /** The inspect answer, for what `view` does not read (CPU shares and quota, swap). */
  raw: TContainerInspect;
}

/**
 * Start, stop, restart, kill, pause, unpause, rename, resources, recreate, duplicate and remove;
 * each shown only with the permission it needs on the host.
 */
export function ContainerActions({ hostId, view, raw }: ContainerActionsProps) {
  const router = useRouter();
  const capabilities = useCapabilities().data;
  const allowed = (permission: Permission) => can(capabilities, hostId, permission);
  const may = (action: TBulkAction) => allowed(CONTAINER_ACTION_PERMISSIONS[action]);
  const canUpdate = allowed('container.update');
  const canCreate = allowed('container.create');
  const canRemove = may('remove');
  const id = view.id;
  const act = useContainerAction(hostId, id, view.name);
  const rename = useRenameContainer(hostId, id);
  const remove = useRemoveContainer(hostId, id);
  const recreate = useRecreateContainer(hostId, id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [timeout, setTimeoutText] = useState('');
  const [signal, setSignal] = useState('SIGKILL');
  const [name, setName] = useState(view.name);
  const [nameError, setNameError] = useState<string | undefined>();
  const [force, setForce] = useState(view.state.running);
  const [volumes, setVolumes] = useState(false);
  const [pull, setPull] = useState(true);
  const [warnings, setWarnings] = useState<string[]>([]);

  const { running, paused, restarting } = view.state;
  const busy = act.isPending;

  function open(next: Dialog) {
    act.reset();
    rename.reset();
    remove.reset();
    recreate.reset();
    setNameError(undefined);
    setWarnings([]);
    if (next === 'rename') setName(view.name);
    if (next === 'remove') setForce(running || paused || restarting);
    setDialog(next);
  }

  function onRename() {
    const parsed = ZRenameContainerRequest.safeParse({ name });
    if (!parsed.success) {
      setNameError(fieldErrorsFromIssues(parsed.error.issues).name);
      return;
    }
    setNameError(undefined);
    rename.mutate(parsed.data.name, {
      onSuccess: () => {
        setDialog(null);
        toastDone(`Renamed to ${parsed.data.name}`);
      },
    });
  }

  const t = secondsOrUndefined(timeout);
  return (
    <>
      <div className="flex flex-wrap items-center gap-1.5">
        {may('start') && !(running || paused || restarting) ? (
          <Button variant="primary" disabled={busy} onClick={() => act.mutate({ action: 'start' })}>
            <Play aria-hidden />
            Start
          </Button>
        ) : null}
        {may('stop') && (running || paused || restarting) ? (
          <Button disabled={busy} onClick={() => open('stop')}>
            <Square aria-hidden />
            Stop
          </Button>
        ) : null}
        {may('restart') && running ? (
          <Button disabled={busy} onClick={() => act.mutate({ action: 'restart' })}>
            <RotateCcw aria-hidden />
            Restart
          </Button>
        ) : null}
        {may('pause') && running && !paused ? (
          <Button disabled={busy} onClick={() => act.mutate({ action: 'pause' })}>
            <Pause aria-hidden />
            Pause
          </Button>
        ) : null}
        {may('unpause') && paused ? (
          <Button disabled={busy} onClick={() => act.mutate({ action: 'unpause' })}>
            <Play aria-hidden />
            Unpause
          </Button>
        ) : null}
        {may('kill') && (running || paused || restarting) ? (
          <Button disabled={busy} onClick={() => open('kill')}>
            <Skull aria-hidden />
            Kill
          </Button>
        ) : null}
        {canUpdate ? (
          <>
            <Button variant="ghost" onClick={() => open('rename')}>
              <Pencil aria-hidden />
              Rename
            </Button>
            <Button variant="ghost" onClick={() => open('resources')}>
              <SlidersHorizontal aria-hidden />
              Resources
            </Button>
          </>
        ) : null}
        {/* Recreating removes the old container and creates its replacement. */}
        {canCreate && canRemove ? (
          <Button variant="ghost" onClick={() => open('recreate')}>
            <RefreshCcw aria-hidden />
            Recreate
          </Button>
        ) : null}
        {canCreate ? (
          <Link
            href={`/containers/new?from=${encodeURIComponent(hostId)}/${encodeURIComponent(id)}`}
            className={buttonClassName('ghost')}
          >
            <Copy aria-hidden />
            Duplicate
          </Link>
        ) : null}
        {canRemove ? (
          <Button variant="ghost" onClick={() => open('remove')}>
            <Trash2 aria-hidden />
            Remove
          </Button>
        ) : null}
      </div>
      {act.error && dialog === null ? (
        <div className="mt-3 w-full">
          <ErrorNotice error={act.error} />
        </div>
      ) : null}
      {warnings.length > 0 ? (
        <div role="status" className="mt-3 text-sm text-muted">
          Saved. The engine warned: {warnings.join(' ')}
        </div>
      ) : null}

      <ActionDialog
        open={dialog === 'stop'}
        title={`Stop ${view.name}?`}
        confirmLabel="Stop"
        pending={act.isPending}
        error={act.error}
        onClose={() => setDialog(null)}
        onConfirm={() => act.mutate({ action: 'stop', t }, { onSuccess: () => setDialog(null) })}
      >
        <p>The main process gets SIGTERM, then SIGKILL when the time is up.</p>
        <TextField
          label="Seconds to wait before killing"
          inputMode="numeric"
          autoFocus
          value={timeout}
          onValueChange={setTimeoutText}
          placeholder="10"
          hint="Empty: the container's own stop timeout (10 s unless set)."
          error={fieldErrorsFromError(act.error).t}
        />
      </ActionDialog>

      <ActionDialog
        open={dialog === 'kill'}
        title={`Send a signal to ${view.name}?`}
        confirmLabel="Send signal"
        variant="danger"
        pending={act.isPending}
        error={act.error}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          act.mutate(
            { action: 'kill', signal: signal.trim() },
            { onSuccess: () => setDialog(null) },
          )
        }
      >
        <TextField
          label="Signal"
          mono
          autoFocus
          list="berth-signals"
          value={signal}
          onValueChange={setSignal}
          hint="A name like SIGTERM or KILL, or its number."
          error={fieldErrorsFromError(act.error).signal}
        />
        <datalist id="berth-signals">
          {SIGNALS.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </ActionDialog>

      <ActionDialog
        open={dialog === 'rename'}
        title={`Rename ${view.name}`}
        confirmLabel="Rename"
        pending={rename.isPending}
        error={rename.error}
        onClose={() => setDialog(null)}
        onConfirm={onRename}
      >
        <TextField
          label="New name"
          mono
          autoFocus
          autoComplete="off"
          value={name}
          onValueChange={setName}
          error={nameError ?? fieldErrorsFromError(rename.error).name}
        />
      </ActionDialog>

      <ResourcesDialog
        open={dialog === 'resources'}
        hostId={hostId}
        id={id}
        name={view.name}
        raw={raw}
        onClose={() => setDialog(null)}
        onSaved={(engineWarnings) => {
          setWarnings(engineWarnings);
          setDialog(null);
        }}
      />

      <ActionDialog
        open={dialog === 'recreate'}
        title={`Recreate ${view.name}?`}
        confirmLabel="Recreate"
        pending={recreate.isPending}
        error={recreate.error}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          recreate.mutate(
            { pull, t },
            {
              onSuccess: (result) => {
                setDialog(null);
                toastDone(`${view.name} recreated`);
                router.replace(containerHref(hostId, result.id));
              },
            },
          )
        }
      >
        <p>
          A new container with the same configuration replaces this one (same name, ports, volumes
          and networks). If anything fails on the way, the old one is put back.
        </p>
        <CheckboxField
          label="Pull the image first, to use a newer version of the same tag"
          checked={pull}
          onCheckedChange={setPull}
        />
        <TextField
          label="Seconds to wait for the old one to stop"
          inputMode="numeric"
          value={timeout}
          onValueChange={setTimeoutText}
          placeholder="10"
          error={fieldErrorsFromError(recreate.error).t}
        />
      </ActionDialog>

      <ActionDialog
        open={dialog === 'remove'}
        title={`Remove ${view.name}?`}
        confirmLabel="Remove container"
        variant="danger"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          remove.mutate(
            { force, volumes },
            {
              onSuccess: () => {
                setDialog(null);
                toastDone(`${view.name} removed`);
                router.push('/containers');
              },
            },
          )
        }
      >
        <p>The container and its writable layer are deleted. This cannot be undone.</p>
        <CheckboxField
          label="Force: stop it first if it is running"
          checked={force}
          onCheckedChange={setForce}
        />
        <CheckboxField
          label="Also remove its anonymous volumes"
          hint="Named volumes are kept."
          checked={volumes}
          onCheckedChange={setVolumes}
        />
      </ActionDialog>
    </>
  );
}
