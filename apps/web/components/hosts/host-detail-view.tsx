'use client';

import { ArrowLeft, Pencil, RefreshCw, ShieldCheck, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { useFleetSummary } from '@/lib/container-queries';
import { useCheckHost, useHost, useMe } from '@/lib/queries';
import { Button, buttonClassName } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { StatusBadge } from '../ui/status-badge';
import { EditHostForm } from './edit-host-form';
import { EngineFacts } from './engine-facts';
import { HostInventoryPanel } from './host-inventory-panel';
import { HostStoragePanel } from './host-storage-panel';
import { FactList } from './fact-list';
import { HostLabels } from './host-labels';
import { HostTestResultView } from './host-test-result-view';
import { HostsAdministratorsOnly } from './hosts-administrators-only';
import { RelativeTime } from './relative-time';
import { RemoveHostDialog } from './remove-host-dialog';
import { WarningNote } from './warning-note';

export function HostDetailView({ id }: { id: string }) {
  const isAdmin = useMe().data?.user.isAdmin === true;
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Host" />
        <HostsAdministratorsOnly />
      </>
    );
  }
  return <AdminHostDetailView id={id} />;
}

function AdminHostDetailView({ id }: { id: string }) {
  const router = useRouter();
  const host = useHost(id);
  const check = useCheckHost(id);
  const summary = useFleetSummary().data?.perHost.find((h) => h.hostId === id);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);

  const back = (
    <Link
      href="/hosts"
      className="mb-3 inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
    >
      <ArrowLeft aria-hidden className="size-3.5" />
      Hosts
    </Link>
  );

  if (host.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading host" className="flex flex-col gap-4">
        {back}
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (host.isError) {
    const notFound = host.error instanceof ApiError && host.error.code === 'NOT_FOUND';
    return (
      <>
        {back}
        <ErrorNotice
          error={host.error}
          title={notFound ? 'This host does not exist (any more)' : undefined}
          onRetry={notFound ? undefined : () => void host.refetch()}
        />
      </>
    );
  }

  const data = host.data;
  return (
    <>
      {back}
      <PageHeader
        title={
          <span className="flex items-center gap-2.5">
            {data.name}
            <StatusBadge status={data.status} />
          </span>
        }
        description={<span className="font-mono text-xs">{data.url}</span>}
        actions={
          <>
            <Button onClick={() => check.mutate()} disabled={check.isPending}>
              <RefreshCw aria-hidden className={check.isPending ? 'animate-spin' : ''} />
              {check.isPending ? 'Checking…' : 'Check now'}
            </Button>
            <Link
              href={`/admin/hosts/${encodeURIComponent(id)}/policy`}
              className={buttonClassName()}
            >
              <ShieldCheck aria-hidden />
              Security policy
            </Link>
            <Button onClick={() => setEditing(true)} disabled={editing}>
              <Pencil aria-hidden />
              Edit
            </Button>
            <Button variant="ghost" onClick={() => setRemoving(true)}>
              <Trash2 aria-hidden />
              Remove
            </Button>
          </>
        }
      />
      <div className="flex flex-col gap-5">
        {check.data ? <HostTestResultView result={check.data} /> : null}
        {check.error ? <ErrorNotice error={check.error} /> : null}
        {editing ? <EditHostForm host={data} onDone={() => setEditing(false)} /> : null}
        <div className="grid gap-5 lg:grid-cols-2">
          <Panel title="Status">
            <FactList
              facts={[
                { label: 'Status', value: <StatusBadge status={data.status} /> },
                {
                  label: 'Last error',
                  value: data.error ? (
                    <span className="text-danger">{data.error}</span>
                  ) : (
                    <span className="text-muted">none</span>
                  ),
                },
                { label: 'Last seen', value: <RelativeTime iso={data.lastSeenAt} /> },
                { label: 'Last checked', value: <RelativeTime iso={data.lastCheckedAt} /> },
              ]}
            />
          </Panel>
          <Panel title="Connection">
            <div className="flex flex-col gap-3">
              <FactList
                facts={[
                  { label: 'Kind', value: data.kind, mono: true },
                  { label: 'URL', value: data.url, mono: true },
                  {
                    label: 'Credentials',
                    value: data.hasSecret ? 'stored (never shown)' : 'none',
                  },
                  ...(data.kind === 'ssh'
                    ? [
                        {
                          label: 'SSH host key',
                          value: data.sshHostKey ?? (
                            <span className="text-muted">pinned on the first connection</span>
                          ),
                          mono: data.sshHostKey !== null,
                        },
                      ]
                    : []),
                  {
                    label: 'Group and tags',
                    value:
                      data.group || data.tags.length > 0 ? (
                        <HostLabels host={data} />
                      ) : (
                        <span className="text-muted">none</span>
                      ),
                  },
                  { label: 'Added', value: formatDateTime(data.createdAt) },
                  { label: 'ID', value: data.id, mono: true },
                ]}
              />
              {data.tlsSkipVerify ? (
                <WarningNote>The server certificate of this host is not verified.</WarningNote>
              ) : null}
              {data.status === 'host_key_mismatch' ? (
                <WarningNote>
                  The host presented another SSH host key than the pinned one, so Berth does not
                  connect to it. If the host was reinstalled, compare the presented fingerprint with{' '}
                  <span className="font-mono">ssh-keygen -lf</span> on the host, then pin it with
                  Edit.
                </WarningNote>
              ) : null}
            </div>
          </Panel>
        </div>
        <HostInventoryPanel hostId={data.id} summary={summary} />
        <Panel title="Engine">
          {data.engine ? (
            <EngineFacts engine={data.engine} />
          ) : (
            <p className="text-sm text-muted">
              No engine facts yet: the host has not answered a check. Use “Check now” to try again.
            </p>
          )}
        </Panel>
        <HostStoragePanel hostId={data.id} />
      </div>
      <RemoveHostDialog
        host={removing ? data : null}
        onClose={() => setRemoving(false)}
        onRemoved={() => router.push('/hosts')}
      />
    </>
  );
}
