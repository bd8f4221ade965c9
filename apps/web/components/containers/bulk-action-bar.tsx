'use client';

import {
  CONTAINER_ACTION_PERMISSIONS,
  type TBulkAction,
  type TBulkItemResult,
} from '@berth/shared';
import {
  CircleCheck,
  CircleX,
  Pause,
  Play,
  RotateCcw,
  Skull,
  Square,
  Trash2,
  X,
} from 'lucide-react';
import { useState } from 'react';
import { can, useCapabilities } from '@/lib/capabilities';
import { useBulkContainerAction, type BulkRequest } from '@/lib/container-queries';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { TextField } from '../ui/text-field';
import { ActionDialog } from './action-dialog';
import { CreateComposeButton } from './create-compose-button';
import { rowKeyOf, type SelectedContainer } from './use-row-selection';

interface BulkActionBarProps {
  selected: ReadonlyMap<string, SelectedContainer>;
  onClear: () => void;
  /** Containers the action succeeded on, to drop from the selection. */
  onSucceeded: (keys: string[]) => void;
}

const ACTIONS: { action: TBulkAction; label: string; icon: typeof Play; asks: boolean }[] = [
  { action: 'start', label: 'Start', icon: Play, asks: false },
  { action: 'stop', label: 'Stop', icon: Square, asks: true },
  { action: 'restart', label: 'Restart', icon: RotateCcw, asks: true },
  { action: 'kill', label: 'Kill', icon: Skull, asks: true },
  { action: 'pause', label: 'Pause', icon: Pause, asks: false },
  { action: 'unpause', label: 'Unpause', icon: Play, asks: false },
  { action: 'remove', label: 'Remove', icon: Trash2, asks: true },
];

interface Outcome {
  action: TBulkAction;
  results: TBulkItemResult[];
  names: ReadonlyMap<string, string>;
}

/** Lifecycle actions on the selected containers, with a result for each of them. */
export function BulkActionBar({ selected, onClear, onSucceeded }: BulkActionBarProps) {
  const bulk = useBulkContainerAction();
  const [asking, setAsking] = useState<TBulkAction | null>(null);
  const [timeout, setTimeoutText] = useState('');
  const [signal, setSignal] = useState('SIGKILL');
  const [force, setForce] = useState(false);
  const [volumes, setVolumes] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const capabilities = useCapabilities().data;
  const hostIds = new Set([...selected.values()].map((item) => item.hostId));
  // An action is offered when it is allowed on every host of the selection.
  const offered = ACTIONS.filter(({ action }) =>
    [...hostIds].every((hostId) => can(capabilities, hostId, CONTAINER_ACTION_PERMISSIONS[action])),
  );

  function run(action: TBulkAction) {
    const items = [...selected.values()];
    const names = new Map(items.map((item) => [rowKeyOf(item), item.name]));
    const request: BulkRequest = { action, items: items.map(({ hostId, id }) => ({ hostId, id })) };
    if ((action === 'stop' || action === 'restart') && timeout.trim() !== '') {
      request.t = Number(timeout);
    }
    if (action === 'kill' && signal.trim()) request.signal = signal.trim();
    if (action === 'remove') {
      request.force = force;
      request.volumes = volumes;
    }
    setOutcome(null);
    bulk.mutate(request, {
      onSuccess: (results) => {
        setAsking(null);
        setOutcome({ action, results, names });
        onSucceeded(results.filter((r) => r.ok).map(rowKeyOf));
      },
    });
  }

  const count = selected.size;
  return (
    <div className="flex flex-col gap-2">
      {count > 0 ? (
        <div
          role="toolbar"
          aria-label="Bulk actions"
          className="flex flex-wrap items-center gap-1.5 rounded-lg border border-accent/30 bg-accent/5 px-3 py-2"
        >
          <span className="mr-2 text-sm font-medium text-fg">{count} selected</span>
          {offered.map(({ action, label, icon: Icon, asks }) => (
            <Button
              key={action}
              size="sm"
              variant={action === 'remove' ? 'danger' : 'secondary'}
              disabled={bulk.isPending}
              onClick={() => {
                bulk.reset();
                if (asks) setAsking(action);
                else run(action);
              }}
            >
              <Icon aria-hidden />
              {label}
            </Button>
          ))}
          {hostIds.size === 1 ? (
            <CreateComposeButton
              size="sm"
              hostId={[...hostIds][0]!}
              ids={[...selected.values()].map((item) => item.id)}
            />
          ) : null}
          <span className="flex-1" />
          {bulk.isPending && !asking ? <span className="text-xs text-muted">Working…</span> : null}
          <Button size="sm" variant="ghost" onClick={onClear}>
            <X aria-hidden />
            Clear selection
          </Button>
        </div>
      ) : null}
      {outcome ? <BulkOutcome outcome={outcome} onDismiss={() => setOutcome(null)} /> : null}
      {bulk.error && !asking ? (
        <p role="alert" className="text-sm text-danger">
          {bulk.error.message}
        </p>
      ) : null}
      <ActionDialog
        open={asking !== null}
        title={`${ACTIONS.find((a) => a.action === asking)?.label ?? ''} ${count} container${count === 1 ? '' : 's'}?`}
        confirmLabel={ACTIONS.find((a) => a.action === asking)?.label ?? 'Run'}
        variant={asking === 'remove' || asking === 'kill' ? 'danger' : 'primary'}
        pending={bulk.isPending}
        error={bulk.error}
        onConfirm={() => asking && run(asking)}
        onClose={() => setAsking(null)}
      >
        {asking === 'stop' || asking === 'restart' ? (
          <TextField
            label="Seconds before the engine kills them"
            inputMode="numeric"
            autoFocus
            value={timeout}
            onValueChange={setTimeoutText}
            placeholder="10"
            hint="Leave empty for the engine's default (10 s)."
          />
        ) : null}
        {asking === 'kill' ? (
          <TextField
            label="Signal"
            mono
            autoFocus
            value={signal}
            onValueChange={setSignal}
            hint="SIGKILL, SIGTERM, SIGHUP, SIGINT, SIGUSR1… or a number."
          />
        ) : null}
        {asking === 'remove' ? (
          <>
            <p>The containers are deleted with their writable layers. This cannot be undone.</p>
            <CheckboxField
              label="Force: remove running containers too"
              checked={force}
              onCheckedChange={setForce}
            />
            <CheckboxField
              label="Also remove their anonymous volumes"
              checked={volumes}
              onCheckedChange={setVolumes}
            />
          </>
        ) : null}
      </ActionDialog>
    </div>
  );
}

function BulkOutcome({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  const failed = outcome.results.filter((r) => !r.ok);
  const done = outcome.results.length - failed.length;
  return (
    <section
      aria-label="Bulk action results"
      className="flex flex-col gap-2 rounded-lg border border-border bg-surface px-3 py-2.5 text-sm"
    >
      <div className="flex items-center gap-2">
        {failed.length === 0 ? (
          <CircleCheck aria-hidden className="size-4 text-ok" />
        ) : (
          <CircleX aria-hidden className="size-4 text-danger" />
        )}
        <p role="status" className="flex-1 font-medium text-fg">
          {outcome.action}: {done} done
          {failed.length > 0 ? `, ${failed.length} failed` : ''}
        </p>
        <Button size="sm" variant="ghost" onClick={onDismiss} aria-label="Dismiss results">
          <X aria-hidden />
        </Button>
      </div>
      <ul className="max-h-48 overflow-auto text-xs">
        {[...failed, ...outcome.results.filter((r) => r.ok)].map((result) => (
          <li key={rowKeyOf(result)} className="flex items-baseline gap-2 py-0.5">
            {result.ok ? (
              <CircleCheck aria-label="done" className="size-3.5 shrink-0 self-center text-ok" />
            ) : (
              <CircleX aria-label="failed" className="size-3.5 shrink-0 self-center text-danger" />
            )}
            <span className="font-medium text-fg">
              {outcome.names.get(rowKeyOf(result)) ?? result.id.slice(0, 12)}
            </span>
            {result.error ? (
              <span className="text-danger">
                {result.error.message} <span className="font-mono">({result.error.code})</span>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
