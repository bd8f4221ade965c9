'use client';

import { CONTAINER_STATES, type TContainerState } from '@berth/shared';
import { ArrowLeft } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '@/lib/api';
import { can, useCapabilities } from '@/lib/capabilities';
import { shortId } from '@/lib/container-format';
import { readInspect } from '@/lib/container-inspect';
import { useContainerEventRefresh } from '@/lib/container-live';
import { useContainerInspect, useFleetSummary } from '@/lib/container-queries';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { ContainerUpdateStatus } from '../updates/container-update-status';
import { Skeleton } from '../ui/skeleton';
import { ContainerActions } from './container-actions';
import { ContainerConsole } from './container-console';
import { ContainerLogs } from './container-logs';
import { ContainerOverview } from './container-overview';
import { ContainerStateBadge } from './container-state-badge';
import { LastKnownContainer } from './last-known-container';
import { ContainerStats } from './container-stats';
import { ContainerWebhooksPanel } from './container-webhooks-panel';
import { CreateComposeButton } from './create-compose-button';
import { CONTAINER_TABS, permissionOf, type ContainerTab } from '@/lib/container-tab';
import { ContainerTabs, panelId, tabId } from './container-tabs';

interface ContainerDetailViewProps {
  hostId: string;
  id: string;
  initialTab: ContainerTab;
}

function stateOf(status: string): TContainerState {
  return (CONTAINER_STATES as readonly string[]).includes(status)
    ? (status as TContainerState)
    : 'dead';
}

export function ContainerDetailView({ hostId, id, initialTab }: ContainerDetailViewProps) {
  const inspect = useContainerInspect(hostId, id);
  const host = useFleetSummary().data?.perHost.find((h) => h.hostId === hostId);
  const hostName = host?.name;
  // A host Berth cannot reach: its last-known record at once, not a wait for the engine's timeout.
  const hostDown = host !== undefined && host.status !== 'up';
  const capabilities = useCapabilities().data;
  // Logs, console and stats each need their own permission; a tab that would be refused is not shown.
  const tabs = useMemo(
    () => CONTAINER_TABS.filter((t) => can(capabilities, hostId, permissionOf(t))),
    [capabilities, hostId],
  );
  const [chosen, setTab] = useState(initialTab);
  const tab = tabs.includes(chosen) ? chosen : 'overview';
  useContainerEventRefresh(hostId, id);
  const view = useMemo(() => (inspect.data ? readInspect(inspect.data) : null), [inspect.data]);

  // The tab is in the URL (without a navigation), so a reload or a shared link opens it.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (tab === 'overview') url.searchParams.delete('tab');
    else url.searchParams.set('tab', tab);
    window.history.replaceState(null, '', `${url.pathname}${url.search}`);
  }, [tab]);

  const back = (
    <Link
      href="/containers"
      className="mb-3 inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
    >
      <ArrowLeft aria-hidden className="size-3.5" />
      Containers
    </Link>
  );

  if (hostDown && (inspect.isPending || inspect.isError)) {
    return (
      <LastKnownContainer
        host={host}
        id={id}
        back={back}
        notice={inspect.isError ? <ErrorNotice error={inspect.error} /> : null}
      />
    );
  }
  if (inspect.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading container" className="flex flex-col gap-4">
        {back}
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-10" />
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (inspect.isError || !view) {
    const notFound = inspect.error instanceof ApiError && inspect.error.code === 'NOT_FOUND';
    return (
      <>
        {back}
        <ErrorNotice
          error={inspect.error}
          title={notFound ? 'This container does not exist (any more)' : undefined}
          onRetry={notFound ? undefined : () => void inspect.refetch()}
        />
      </>
    );
  }

  const running = view.state.running && !view.state.paused;
  return (
    <>
      {back}
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2.5">
            <span className="break-all">{view.name}</span>
            <ContainerStateBadge state={stateOf(view.state.status)} />
            {view.state.health ? (
              <span className="text-xs font-normal text-muted">health: {view.state.health}</span>
            ) : null}
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-3 text-xs">
            <span>
              on{' '}
              <Link
                href={`/containers?host=${encodeURIComponent(hostId)}`}
                className="text-fg hover:text-accent hover:underline"
              >
                {hostName ?? hostId}
              </Link>
            </span>
            <span className="font-mono">{view.image}</span>
            <span className="font-mono">{shortId(view.id)}</span>
          </span>
        }
      />
      <div className="mb-4 flex flex-wrap items-start gap-2">
        <ContainerActions key={view.id} hostId={hostId} view={view} raw={inspect.data} />
        <CreateComposeButton hostId={hostId} ids={[view.id]} />
      </div>
      <ContainerUpdateStatus
        hostId={hostId}
        id={view.id}
        name={view.name}
        image={view.image}
        running={view.state.running}
      />
      <ContainerTabs tabs={tabs} current={tab} onSelect={setTab} />
      <div
        role="tabpanel"
        id={panelId(tab)}
        aria-labelledby={tabId(tab)}
        className="pt-4 outline-none"
      >
        {tab === 'overview' ? (
          <div className="flex flex-col gap-4">
            <ContainerOverview hostId={hostId} view={view} raw={inspect.data} />
            <ContainerWebhooksPanel hostId={hostId} id={view.id} />
          </div>
        ) : tab === 'logs' ? (
          <ContainerLogs
            hostId={hostId}
            id={view.id}
            name={view.name}
            runKey={view.state.startedAt ?? ''}
          />
        ) : tab === 'console' ? (
          <ContainerConsole
            key={view.state.startedAt ?? ''}
            hostId={hostId}
            id={view.id}
            running={running}
            tty={view.tty}
            openStdin={view.openStdin}
          />
        ) : (
          <ContainerStats
            key={view.state.startedAt ?? ''}
            hostId={hostId}
            id={view.id}
            running={running}
            memoryLimit={view.memory}
          />
        )}
      </div>
    </>
  );
}
