'use client';

import type { TStackStatus, TStackSummary } from '@berth/shared';
import { Layers, Plus } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { useCan, useCanAnywhere } from '@/lib/capabilities';
import { useFleetSummary } from '@/lib/container-queries';
import { useStackList } from '@/lib/stack-queries';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { ServiceUpdateBadge } from '../updates/update-badge';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { ResourceTable, type Column } from '../ui/resource-table';
import { Skeleton } from '../ui/skeleton';
import { UnmanagedStacks } from './unmanaged-stacks';

const ROW_HEIGHT = 56;

const STATUS_CLASS: Record<TStackStatus, string> = {
  deploying: 'text-accent',
  running: 'text-ok',
  partial: 'text-warn',
  stopped: 'text-muted',
  failed: 'text-danger',
  down: 'text-muted',
};

export function StackStatus({ status }: { status: TStackStatus }) {
  return <span className={`text-xs font-medium ${STATUS_CLASS[status]}`}>{status}</span>;
}

/** A stack's services, each with links to its containers (short id and state). */
export function StackServices({ stack }: { stack: TStackSummary }) {
  return (
    <ul className="flex flex-col gap-0.5 text-xs">
      {stack.services.map((service) => (
        <li key={service.name} className="truncate">
          <span className="font-medium text-fg">{service.name}</span>{' '}
          <ServiceUpdateBadge
            hostId={stack.hostId}
            containerIds={service.containers.map((c) => c.id)}
          />{' '}
          {service.containers.length === 0 ? (
            <span className="text-muted">no container</span>
          ) : (
            service.containers.map((c) => (
              <Link
                key={c.id}
                href={`/containers/${stack.hostId}/${c.id}`}
                className="mr-2 font-mono text-accent hover:underline"
              >
                {c.id.slice(0, 12)} <span className="text-muted">({c.state})</span>
              </Link>
            ))
          )}
        </li>
      ))}
    </ul>
  );
}

function RowActions({ stack }: { stack: TStackSummary }) {
  const canDeploy = useCan(stack.hostId, 'stack.deploy');
  return canDeploy ? (
    <Link
      href={`/stacks/${stack.id}/edit`}
      className={buttonClassName('secondary', 'sm')}
      aria-label={`Edit and redeploy ${stack.name}`}
    >
      Redeploy
    </Link>
  ) : null;
}

/** The stacks of every host the user may list them on. */
export function StacksView() {
  const stacks = useStackList();
  const summary = useFleetSummary();
  const canCreate = useCanAnywhere('stack.deploy');
  const hostNames = useMemo(
    () => new Map(summary.data?.perHost.map((h) => [h.hostId, h.name]) ?? []),
    [summary.data],
  );
  const columns = useMemo<Column<TStackSummary>[]>(
    () => [
      {
        id: 'name',
        header: 'Name',
        width: 'w-48',
        className: 'truncate',
        cell: (s) => (
          <Link href={`/stacks/${s.id}`} className="font-medium text-fg hover:underline">
            {s.name}
          </Link>
        ),
      },
      {
        id: 'host',
        header: 'Host',
        width: 'w-36',
        className: 'truncate text-xs',
        cell: (s) => hostNames.get(s.hostId) ?? s.hostId,
      },
      {
        id: 'status',
        header: 'Status',
        width: 'w-28',
        cell: (s) => <StackStatus status={s.status} />,
      },
      { id: 'services', header: 'Services', cell: (s) => <StackServices stack={s} /> },
      { id: 'actions', header: '', width: 'w-32', cell: (s) => <RowActions stack={s} /> },
    ],
    [hostNames],
  );

  return (
    <div className="flex flex-col gap-5">
      <PageHeader
        title="Stacks"
        description="Compose stacks deployed through Berth, with their services and containers."
        actions={
          canCreate ? (
            <Link href="/stacks/new" className={buttonClassName('primary', 'md')}>
              <Plus aria-hidden />
              New stack
            </Link>
          ) : null
        }
      />
      {stacks.isPending ? <Skeleton className="h-32" /> : null}
      {stacks.isError ? (
        <ErrorNotice error={stacks.error} onRetry={() => void stacks.refetch()} />
      ) : null}
      {stacks.isSuccess && stacks.data.items.length === 0 ? (
        <EmptyState icon={Layers} title="No stacks yet">
          Write a compose file and deploy it to a host: its services, containers and deployments
          show here.
        </EmptyState>
      ) : null}
      {stacks.isSuccess && stacks.data.items.length > 0 ? (
        <Panel flush>
          <ResourceTable
            label="Stacks"
            columns={columns}
            rows={stacks.data.items}
            rowKey={(s) => s.id}
            rowHeight={ROW_HEIGHT}
            scrollClassName="max-h-[70vh]"
            tableClassName="w-full min-w-[48rem] table-fixed"
            testId="stacks-table"
          />
        </Panel>
      ) : null}
      <UnmanagedStacks hostNames={hostNames} />
    </div>
  );
}
