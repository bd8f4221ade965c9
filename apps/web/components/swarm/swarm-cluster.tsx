'use client';

import type { TSwarmInfo } from '@berth/shared';
import { RefreshCw } from 'lucide-react';
import { useState } from 'react';
import { useCan } from '@/lib/capabilities';
import { formatDateTime } from '@/lib/format';
import { useRotateJoinTokens, type SwarmHost } from '@/lib/swarm-queries';
import { CopyButton } from '../account/copy-button';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { NoValue } from '../ui/table';
import { SwarmNodes } from './swarm-nodes';

type TokenRole = 'worker' | 'manager';

/** One manager host's swarm: its facts, join tokens (to who may manage it) and nodes. */
export function SwarmCluster({ host }: { host: SwarmHost }) {
  return (
    <div className="flex flex-col gap-5">
      {host.swarm ? (
        <div className="grid gap-5 lg:grid-cols-2">
          <SwarmFacts swarm={host.swarm} />
          <JoinTokens hostId={host.hostId} swarm={host.swarm} />
        </div>
      ) : host.error ? (
        <ErrorNotice error={host.error} />
      ) : (
        <Skeleton className="h-40" />
      )}
      <SwarmNodes hostId={host.hostId} />
    </div>
  );
}

function SwarmFacts({ swarm }: { swarm: TSwarmInfo }) {
  return (
    <Panel title="Cluster">
      <dl
        className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm"
        aria-label="Cluster facts"
      >
        <dt className="text-muted">Swarm ID</dt>
        <dd className="truncate font-mono text-xs" title={swarm.id}>
          {swarm.id}
        </dd>
        <dt className="text-muted">Managers</dt>
        <dd data-testid="swarm-managers">{swarm.managers}</dd>
        <dt className="text-muted">Workers</dt>
        <dd data-testid="swarm-workers">{swarm.workers}</dd>
        <dt className="text-muted">Join address</dt>
        <dd className="font-mono text-xs">
          {swarm.managerAddresses.length > 0 ? swarm.managerAddresses.join(', ') : <NoValue />}
        </dd>
        <dt className="text-muted">Task history</dt>
        <dd>{swarm.taskHistoryLimit ?? <NoValue />}</dd>
        <dt className="text-muted">Address pools</dt>
        <dd className="font-mono text-xs">
          {swarm.defaultAddrPool.length > 0 ? swarm.defaultAddrPool.join(', ') : <NoValue />}
        </dd>
        <dt className="text-muted">Created</dt>
        <dd>{formatDateTime(swarm.createdAt)}</dd>
      </dl>
    </Panel>
  );
}

/** The join tokens, shown only to who holds swarm.manage (the server leaves them out otherwise). */
function JoinTokens({ hostId, swarm }: { hostId: string; swarm: TSwarmInfo }) {
  const mayManage = useCan(hostId, 'swarm.manage');
  const rotate = useRotateJoinTokens(hostId);
  const [rotating, setRotating] = useState<TokenRole | null>(null);
  const tokens = swarm.joinTokens;
  if (!mayManage || !tokens) return null;
  const address = swarm.managerAddresses[0] ?? '<manager-address>:2377';

  return (
    <Panel title="Join tokens">
      <div className="flex flex-col gap-4">
        {(['worker', 'manager'] as const).map((role) => (
          <div key={role} className="flex flex-col gap-1.5">
            <div className="flex items-center justify-between gap-2">
              <h3 className="text-sm font-medium text-fg capitalize">{role}</h3>
              <div className="flex gap-2">
                <CopyButton text={tokens[role]} label={`Copy ${role} token`} />
                <CopyButton
                  text={`docker swarm join --token ${tokens[role]} ${address}`}
                  label="Copy command"
                />
                <Button size="sm" variant="ghost" onClick={() => setRotating(role)}>
                  <RefreshCw aria-hidden />
                  Rotate
                </Button>
              </div>
            </div>
            <code
              data-testid={`join-token-${role}`}
              className="block truncate rounded-md bg-surface-2 px-2 py-1 font-mono text-xs text-fg"
              title={tokens[role]}
            >
              {tokens[role]}
            </code>
          </div>
        ))}
      </div>
      <ConfirmDialog
        open={rotating !== null}
        title={`Rotate the ${rotating ?? ''} join token?`}
        confirmLabel="Rotate token"
        pending={rotate.isPending}
        error={rotate.error}
        onClose={() => {
          rotate.reset();
          setRotating(null);
        }}
        onConfirm={() =>
          rotating &&
          rotate.mutate(
            { worker: rotating === 'worker', manager: rotating === 'manager' },
            { onSuccess: () => setRotating(null) },
          )
        }
      >
        The old token stops working at once: nodes already in the swarm stay, new ones need the new
        token.
      </ConfirmDialog>
    </Panel>
  );
}
