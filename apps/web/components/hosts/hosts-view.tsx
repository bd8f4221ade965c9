'use client';

import type { THost } from '@berth/shared';
import { Plus, Search, Server } from 'lucide-react';
import { useDeferredValue, useMemo, useState } from 'react';
import { useFleetSummary } from '@/lib/container-queries';
import { useHosts, useMe } from '@/lib/queries';
import { Button } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { inputClassName } from '../ui/input-class-name';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { AddHostForm } from './add-host-form';
import { HostTable } from './host-table';
import { HostsAdministratorsOnly } from './hosts-administrators-only';
import { RemoveHostDialog } from './remove-host-dialog';

function matches(host: THost, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return [host.name, host.url, host.group ?? '', host.status, ...host.tags].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

export function HostsView() {
  const isAdmin = useMe().data?.user.isAdmin === true;
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Hosts" description="Docker engines Berth connects to." />
        <HostsAdministratorsOnly />
      </>
    );
  }
  return <AdminHostsView />;
}

function AdminHostsView() {
  const hosts = useHosts();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<THost | null>(null);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);

  const count = hosts.data ? `${hosts.data.length} host${hosts.data.length === 1 ? '' : 's'}` : '';

  return (
    <>
      <PageHeader
        title="Hosts"
        description={
          count ? `${count} registered with Berth.` : 'Docker engines Berth connects to.'
        }
        actions={
          <>
            <div className="relative">
              <Search
                aria-hidden
                className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-muted"
              />
              <input
                type="search"
                aria-label="Filter hosts"
                placeholder="Filter…  ( / )"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                className={`${inputClassName} h-8 w-56 pl-8`}
              />
            </div>
            {!adding ? (
              <Button variant="primary" onClick={() => setAdding(true)}>
                <Plus aria-hidden />
                Add host
              </Button>
            ) : null}
          </>
        }
      />
      <div className="flex flex-col gap-5">
        {adding ? <AddHostForm onDone={() => setAdding(false)} /> : null}
        <HostsBody hosts={hosts} query={deferredQuery} onRemove={setRemoving} />
      </div>
      <RemoveHostDialog host={removing} onClose={() => setRemoving(null)} />
    </>
  );
}

interface HostsBodyProps {
  hosts: ReturnType<typeof useHosts>;
  query: string;
  onRemove: ((host: THost) => void) | undefined;
}

function HostsBody({ hosts, query, onRemove }: HostsBodyProps) {
  const perHost = useFleetSummary().data?.perHost;
  const summaries = useMemo(() => new Map(perHost?.map((h) => [h.hostId, h])), [perHost]);
  if (hosts.isPending) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading hosts">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-12" />
        ))}
      </div>
    );
  }
  if (hosts.isError) {
    return <ErrorNotice error={hosts.error} onRetry={() => void hosts.refetch()} />;
  }
  if (hosts.data.length === 0) {
    return (
      <EmptyState icon={Server} title="No hosts yet">
        {onRemove
          ? 'Add the Docker engines Berth should manage: a local socket, TCP with TLS, or SSH.'
          : 'An administrator has not added any Docker hosts yet.'}
      </EmptyState>
    );
  }
  const visible = hosts.data.filter((host) => matches(host, query));
  return (
    <Panel flush>
      {visible.length > 0 ? (
        <HostTable hosts={visible} onRemove={onRemove} summaries={summaries} />
      ) : (
        <p className="px-4 py-8 text-center text-sm text-muted">No host matches “{query}”.</p>
      )}
    </Panel>
  );
}
