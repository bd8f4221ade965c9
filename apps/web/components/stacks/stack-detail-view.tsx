'use client';

import type { TStack, TStackDeployResponse } from '@berth/shared';
import { Pencil, Play, Power, Square, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useCan } from '@/lib/capabilities';
import { formatDateTime } from '@/lib/format';
import {
  useDeleteStack,
  useStack,
  useStackAction,
  useStackProgress,
  type StackAction,
} from '@/lib/stack-queries';
import { Button, buttonClassName } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { DetailLoader } from '../ui/detail-loader';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { DeploymentFollower } from './deploy-progress';
import { StackDeployments } from './stack-deployments';
import { StackLogs } from './stack-logs';
import { StackWebhooksPanel } from './stack-webhooks-panel';
import { StackForm } from './stack-form';
import { StackServices, StackStatus } from './stacks-view';

const ACTIONS: Record<StackAction, { label: string; text: string; icon: typeof Play }> = {
  start: { label: 'Start', text: 'Every container of the stack is started.', icon: Play },
  stop: {
    label: 'Stop',
    text: 'Every container of the stack is stopped; they stay.',
    icon: Square,
  },
  down: {
    label: 'Down',
    text: 'Every container and network of the stack is removed; its volumes and compose file stay, and a deploy brings it back.',
    icon: Power,
  },
};

function StackPage({ stack }: { stack: TStack }) {
  const router = useRouter();
  const canDeploy = useCan(stack.hostId, 'stack.deploy');
  const canDelete = useCan(stack.hostId, 'stack.delete');
  const canReadLogs = useCan(stack.hostId, 'container.logs');
  const action = useStackAction(stack.id);
  const remove = useDeleteStack(stack.id);
  const progress = useStackProgress(true);
  const [asking, setAsking] = useState<StackAction | 'delete' | null>(null);
  const [withVolumes, setWithVolumes] = useState(false);
  const [started, setStarted] = useState<TStackDeployResponse | null>(null);

  function close() {
    action.reset();
    remove.reset();
    setWithVolumes(false);
    setAsking(null);
  }

  function confirm() {
    if (asking === 'delete') {
      // Not mutate's own onSuccess: the stack's queries refresh first and answer 404, this view
      // unmounts, and React Query drops the callbacks of an unmounted mutation.
      remove.mutateAsync(withVolumes).then(
        () => router.push('/stacks'),
        () => undefined, // shown from remove.error
      );
    } else if (asking) {
      progress.clear();
      action.mutate(asking, {
        onSuccess: (result) => {
          setStarted(result);
          setAsking(null);
        },
      });
    }
  }

  return (
    <div className="flex flex-col gap-5">
      <PageHeader
        title={stack.name}
        description={
          <>
            <StackStatus status={stack.status} /> · updated {formatDateTime(stack.updatedAt)}
          </>
        }
        actions={
          <>
            {canDeploy ? (
              <>
                <Link
                  href={`/stacks/${stack.id}/edit`}
                  className={buttonClassName('secondary', 'md')}
                >
                  <Pencil aria-hidden />
                  Edit
                </Link>
                {(Object.keys(ACTIONS) as StackAction[]).map((key) => {
                  const Icon = ACTIONS[key].icon;
                  return (
                    <Button key={key} onClick={() => setAsking(key)}>
                      <Icon aria-hidden />
                      {ACTIONS[key].label}
                    </Button>
                  );
                })}
              </>
            ) : null}
            {canDelete ? (
              <Button variant="danger" onClick={() => setAsking('delete')}>
                <Trash2 aria-hidden />
                Delete
              </Button>
            ) : null}
          </>
        }
      />
      {started ? (
        <DeploymentFollower started={started} stepsOf={progress.stepsOf} link={false} />
      ) : null}
      <Panel title="Services">
        <div className="px-4 py-3" data-testid="stack-services">
          {stack.services.length === 0 ? (
            <p className="text-xs text-muted">No service has a container.</p>
          ) : (
            <StackServices stack={stack} />
          )}
        </div>
      </Panel>
      {canReadLogs ? <StackLogs stack={stack} /> : null}
      <StackDeployments stackId={stack.id} />
      {canDeploy ? <StackWebhooksPanel stack={stack} /> : null}
      <ConfirmDialog
        open={asking !== null}
        title={
          asking === 'delete'
            ? `Delete ${stack.name}?`
            : asking
              ? `${ACTIONS[asking].label} ${stack.name}?`
              : ''
        }
        confirmLabel={asking === 'delete' ? 'Delete' : asking ? ACTIONS[asking].label : ''}
        pending={action.isPending || remove.isPending}
        error={action.error ?? remove.error}
        onConfirm={confirm}
        onClose={close}
      >
        {asking === 'delete' ? (
          <div className="flex flex-col gap-3">
            <p>The stack is taken down and forgotten: its containers and networks are removed.</p>
            <CheckboxField
              label="Also remove its volumes"
              checked={withVolumes}
              onCheckedChange={setWithVolumes}
              hint="Their data is lost."
            />
          </div>
        ) : asking ? (
          <p>{ACTIONS[asking].text}</p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

export function StackDetailView({ id }: { id: string }) {
  const stack = useStack(id);
  return (
    <DetailLoader backHref="/stacks" backLabel="Stacks" query={stack}>
      {(data) => <StackPage stack={data} />}
    </DetailLoader>
  );
}

export function StackEditView({ id }: { id: string }) {
  const stack = useStack(id);
  return (
    <DetailLoader backHref={`/stacks/${id}`} backLabel="Stack" query={stack}>
      {(data) => <StackForm stack={data} />}
    </DetailLoader>
  );
}
