'use client';

import type { TServiceSummary } from '@berth/shared';
import { Plus, Workflow } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { useServiceList, useSwarmHosts } from '@/lib/swarm-queries';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { SearchBox } from '../ui/list-filters';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { ResourceTable, type Column } from '../ui/resource-table';
import { SelectField } from '../ui/select-field';
import { Skeleton } from '../ui/skeleton';
import { portsText, ReplicasBar, serviceHref, UpdateStatusText } from './service-format';

const ROW_HEIGHT = 52;

const COLUMNS: readonly Column<TServiceSummary>[] = [
  {
    id: 'name',
    header: 'Name',
    className: 'truncate',
    title: (s) => s.name,
    cell: (s) => (
      <>
        <Link href={serviceHref(s.hostId, s.id)} className="font-medium text-fg hover:underline">
          {s.name}
        </Link>
        {s.stack ? <span className="ml-2 text-xs text-muted">stack {s.stack}</span> : null}
      </>
    ),
  },
  {
    id: 'host',
    header: 'Host',
    width: 'w-32',
    className: 'truncate text-xs',
    cell: (s) => s.hostName,
    minWidth: 700,
  },
  {
    id: 'image',
    header: 'Image',
    width: 'w-[24%]',
    className: 'truncate font-mono text-xs',
    title: (s) => s.image,
    cell: (s) => s.image,
  },
  { id: 'mode', header: 'Mode', width: 'w-24', className: 'text-xs', cell: (s) => s.mode },
  {
    id: 'replicas',
    header: 'Replicas',
    width: 'w-32',
    cell: (s) => <ReplicasBar replicas={s.replicas} />,
  },
  {
    id: 'ports',
    header: 'Ports',
    width: 'w-40',
    className: 'truncate font-mono text-xs',
    title: (s) => portsText(s.ports),
    cell: (s) => portsText(s.ports) || <span className="font-sans text-muted">—</span>,
    minWidth: 900,
  },
  {
    id: 'update',
    header: 'Update',
    width: 'w-32',
    cell: (s) => <UpdateStatusText status={s.updateStatus} />,
    minWidth: 800,
  },
];

/** `/services`: the services of every swarm manager host the user may see. */
export function ServicesView({ initialHostId }: { initialHostId: string }) {
  const [hostId, setHostId] = useState(initialHostId);
  const [q, setQ] = useState('');
  const list = useServiceList(hostId);
  const managers = useSwarmHosts();
  const mayCreate = useSwarmHosts('swarm.manage').hosts.length > 0;
  const needle = q.trim().toLowerCase();
  const rows = (list.data?.items ?? []).filter(
    (s) => !needle || `${s.name} ${s.image} ${s.stack ?? ''}`.toLowerCase().includes(needle),
  );

  return (
    <>
      <PageHeader
        title="Services"
        description="Swarm services of every manager host you may see, with their tasks running of those wanted."
        actions={
          mayCreate ? (
            <Link href="/services/new" className={buttonClassName('primary')}>
              <Plus aria-hidden />
              New service
            </Link>
          ) : null
        }
      />
      <div className="flex flex-col gap-5">
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-56">
            <SelectField label="Host" value={hostId} onValueChange={setHostId}>
              <option value="">All manager hosts</option>
              {managers.hosts.map((host) => (
                <option key={host.hostId} value={host.hostId}>
                  {host.name}
                </option>
              ))}
            </SelectField>
          </div>
          <SearchBox
            label="Search services"
            placeholder="Name or image…"
            value={q}
            onChange={setQ}
            onDone={() => undefined}
          />
        </div>
        {(list.data?.errors ?? []).map((failure) => (
          <p key={failure.hostId} role="status" className="text-sm text-warn">
            {failure.hostName}: {failure.message}
          </p>
        ))}
        {list.isPending ? <Skeleton className="h-32" /> : null}
        {list.isError ? (
          <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        ) : null}
        {list.isSuccess && rows.length === 0 ? (
          <EmptyState icon={Workflow} title="No services">
            Nothing matches, or no swarm manager you may see runs a service.
          </EmptyState>
        ) : null}
        {rows.length > 0 ? (
          <Panel flush>
            <ResourceTable
              label="Services"
              columns={COLUMNS}
              rows={rows}
              rowKey={(s) => `${s.hostId}/${s.id}`}
              rowHeight={ROW_HEIGHT}
              scrollClassName="max-h-[65vh]"
              tableClassName="w-full min-w-[44rem] table-fixed"
              testId="services-table"
            />
          </Panel>
        ) : null}
      </div>
    </>
  );
}
