'use client';

import type { TSwarmNode, TUpdateNodeRequest } from '@berth/shared';
import { Plus, X } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useCan } from '@/lib/capabilities';
import { formatBytes } from '@/lib/format';
import { useRemoveNode, useSwarmNodes, useUpdateNode } from '@/lib/swarm-queries';
import { NodeTasks } from './node-tasks';
import { Button } from '../ui/button';
import { ConfirmRemoveDialog } from '../ui/confirm-remove-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { inputClassName } from '../ui/input-class-name';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { NoValue, Table, Td, Th } from '../ui/table';

const STATE_TONE: Record<string, string> = {
  ready: 'text-ok',
  down: 'text-danger',
  disconnected: 'text-danger',
};

/** The swarm's nodes, with the changes the user may make to each. */
export function SwarmNodes({ hostId }: { hostId: string }) {
  const nodes = useSwarmNodes(hostId);
  const update = useUpdateNode(hostId);
  const mayManage = useCan(hostId, 'swarm.manage');
  const [removing, setRemoving] = useState<TSwarmNode | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const remove = useRemoveNode(hostId);

  const change = (node: TSwarmNode, body: TUpdateNodeRequest) =>
    update.mutate({ nodeId: node.id, body });

  return (
    <Panel title="Nodes" flush>
      {nodes.isPending ? <Skeleton className="m-4 h-24" /> : null}
      {nodes.isError ? (
        <div className="p-4">
          <ErrorNotice error={nodes.error} onRetry={() => void nodes.refetch()} />
        </div>
      ) : null}
      {update.error ? (
        <div className="p-4">
          <ErrorNotice error={update.error} />
        </div>
      ) : null}
      {nodes.data ? (
        <Table label="Swarm nodes">
          <thead>
            <tr>
              <Th>Node</Th>
              <Th>Role</Th>
              <Th>Availability</Th>
              <Th>State</Th>
              <Th>Engine</Th>
              <Th>Resources</Th>
              <Th>Labels</Th>
              {mayManage ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {nodes.data.map((node) => (
              <tr key={node.id} data-node={node.hostname}>
                <Td>
                  <div className="flex flex-col">
                    <span className="font-medium">
                      <button
                        type="button"
                        className="hover:underline"
                        aria-expanded={shown === node.id}
                        title="Show the tasks on this node"
                        onClick={() => setShown(shown === node.id ? null : node.id)}
                      >
                        {node.hostname}
                      </button>
                      {node.self ? (
                        <span className="ml-2 text-xs text-muted">this host</span>
                      ) : null}
                    </span>
                    <span className="font-mono text-xs text-muted" title={node.id}>
                      {node.id.slice(0, 12)}
                      {node.address ? ` · ${node.address}` : ''}
                    </span>
                  </div>
                </Td>
                <Td>
                  {node.role}
                  {node.leader ? <span className="ml-1 text-xs text-accent">leader</span> : null}
                  {node.reachability && node.reachability !== 'reachable' ? (
                    <span className="ml-1 text-xs text-danger">{node.reachability}</span>
                  ) : null}
                </Td>
                <Td data-testid="node-availability">{node.availability}</Td>
                <Td>
                  <span className={STATE_TONE[node.state] ?? 'text-warn'}>{node.state}</span>
                  {node.message ? (
                    <span className="block text-xs text-muted">{node.message}</span>
                  ) : null}
                </Td>
                <Td className="font-mono text-xs">{node.engineVersion ?? <NoValue />}</Td>
                <Td className="text-xs text-muted">
                  {node.cpus !== null ? `${node.cpus} CPU` : ''}
                  {node.memoryBytes !== null ? ` · ${formatBytes(node.memoryBytes)}` : ''}
                </Td>
                <Td>
                  <NodeLabels
                    node={node}
                    editable={mayManage}
                    pending={update.isPending}
                    onChange={(labels) => change(node, { labels })}
                  />
                </Td>
                {mayManage ? (
                  <Td className="text-right">
                    <NodeActions
                      node={node}
                      pending={update.isPending}
                      onChange={(body) => change(node, body)}
                      onRemove={() => setRemoving(node)}
                    />
                  </Td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
      {shown && nodes.data?.some((node) => node.id === shown) ? (
        <NodeTasks hostId={hostId} node={nodes.data.find((node) => node.id === shown)!} />
      ) : null}
      <ConfirmRemoveDialog
        target={removing}
        onClose={() => setRemoving(null)}
        title={(node) => `Remove node ${node.hostname}?`}
        confirmLabel="Remove node"
        remove={remove}
        argument={(node) => node.id}
      >
        The node is down and leaves the swarm; to come back it must join again with a token.
      </ConfirmRemoveDialog>
    </Panel>
  );
}

/** Drain, pause or activate; promote or demote; remove a node that is down. */
function NodeActions({
  node,
  pending,
  onChange,
  onRemove,
}: {
  node: TSwarmNode;
  pending: boolean;
  onChange: (body: TUpdateNodeRequest) => void;
  onRemove: () => void;
}) {
  const availability = (['active', 'pause', 'drain'] as const).filter(
    (value) => value !== node.availability,
  );
  const verb = { active: 'Activate', pause: 'Pause', drain: 'Drain' } as const;
  return (
    <div className="flex flex-wrap justify-end gap-1.5">
      {availability.map((value) => (
        <Button
          key={value}
          size="sm"
          disabled={pending}
          onClick={() => onChange({ availability: value })}
          aria-label={`${verb[value]} ${node.hostname}`}
        >
          {verb[value]}
        </Button>
      ))}
      {node.role === 'worker' ? (
        <Button
          size="sm"
          disabled={pending}
          onClick={() => onChange({ role: 'manager' })}
          aria-label={`Promote ${node.hostname}`}
        >
          Promote
        </Button>
      ) : (
        <Button
          size="sm"
          disabled={pending || node.leader}
          title={node.leader ? 'The leader cannot be demoted from here' : undefined}
          onClick={() => onChange({ role: 'worker' })}
          aria-label={`Demote ${node.hostname}`}
        >
          Demote
        </Button>
      )}
      {node.state === 'down' ? (
        <Button
          size="sm"
          variant="danger"
          onClick={onRemove}
          aria-label={`Remove ${node.hostname}`}
        >
          Remove
        </Button>
      ) : null}
    </div>
  );
}

/** A node's labels as chips; who may manage the swarm adds `key=value` and removes them. */
function NodeLabels({
  node,
  editable,
  pending,
  onChange,
}: {
  node: TSwarmNode;
  editable: boolean;
  pending: boolean;
  onChange: (labels: Record<string, string>) => void;
}) {
  const [adding, setAdding] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const entries = Object.entries(node.labels);

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const at = text.indexOf('=');
    const key = (at < 0 ? text : text.slice(0, at)).trim();
    if (!key) {
      setError('a label needs a key: key=value');
      return;
    }
    setError(null);
    onChange({ ...node.labels, [key]: at < 0 ? '' : text.slice(at + 1).trim() });
    setText('');
    setAdding(false);
  }

  return (
    <div className="flex flex-wrap items-center gap-1">
      {entries.length === 0 && !editable ? <NoValue /> : null}
      {entries.map(([key, value]) => (
        <span
          key={key}
          className="inline-flex items-center gap-1 rounded bg-surface-2 px-1.5 py-0.5 font-mono text-[11px]"
        >
          {value ? `${key}=${value}` : key}
          {editable ? (
            <button
              type="button"
              disabled={pending}
              aria-label={`Remove label ${key} from ${node.hostname}`}
              className="text-muted hover:text-danger"
              onClick={() => {
                const { [key]: _removed, ...rest } = node.labels;
                onChange(rest);
              }}
            >
              <X aria-hidden className="size-3" />
            </button>
          ) : null}
        </span>
      ))}
      {editable && !adding ? (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setAdding(true)}
          aria-label={`Add a label to ${node.hostname}`}
        >
          <Plus aria-hidden />
        </Button>
      ) : null}
      {adding ? (
        <form onSubmit={onAdd} className="flex items-center gap-1">
          <input
            autoFocus
            aria-label={`New label of ${node.hostname}`}
            aria-invalid={error ? true : undefined}
            placeholder="zone=a"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setAdding(false);
            }}
            className={`${inputClassName} h-7 w-32 font-mono text-xs`}
          />
          <Button size="sm" type="submit" disabled={pending}>
            Add
          </Button>
          {error ? <span className="text-xs text-danger">{error}</span> : null}
        </form>
      ) : null}
    </div>
  );
}
