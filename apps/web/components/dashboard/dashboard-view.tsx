'use client';

import type { THostSummary } from '@berth/shared';
import { Server } from 'lucide-react';
import Link from 'next/link';
import { useFleetSummaryLive } from '@/lib/container-live';
import { useFleetSummary } from '@/lib/container-queries';
import { useHosts, useMe } from '@/lib/queries';
import { LiveStatusNote } from '../containers/live-status-note';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { FleetSummaryCards } from './fleet-summary-cards';
import { HostOverviewTable } from './host-overview-table';

/** Totals and per-host counts from `GET /api/fleet/summary`, kept current by its socket pushes. */
export function DashboardView() {
  const summary = useFleetSummary();
  const live = useFleetSummaryLive();
  const isAdmin = useMe().data?.user.isAdmin === true;
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Status of every Docker host in the fleet."
        actions={summary.data ? <LiveStatusNote status={live} label="Totals" /> : null}
      />
      {summary.isPending ? (
        <DashboardSkeleton />
      ) : summary.isError ? (
        <ErrorNotice error={summary.error} onRetry={() => void summary.refetch()} />
      ) : (
        <div className="flex flex-col gap-5">
          <FleetSummaryCards summary={summary.data} />
          <Panel title="Hosts" flush={summary.data.perHost.length > 0}>
            {summary.data.perHost.length === 0 ? (
              <EmptyState icon={Server} title="No hosts yet">
                {isAdmin ? (
                  <>
                    <p className="mb-3">Add a Docker host to see its containers and images here.</p>
                    <Link href="/hosts" className={buttonClassName('primary')}>
                      Add a host
                    </Link>
                  </>
                ) : (
                  'You cannot see any Docker host yet. Ask an administrator for access.'
                )}
              </EmptyState>
            ) : isAdmin ? (
              <AdminHostOverview summaries={summary.data.perHost} />
            ) : (
              <HostOverviewTable summaries={summary.data.perHost} />
            )}
          </Panel>
        </div>
      )}
    </>
  );
}

/** Administrators also get each host's address, engine version and last contact. */
function AdminHostOverview({ summaries }: { summaries: readonly THostSummary[] }) {
  const hosts = useHosts();
  return <HostOverviewTable summaries={summaries} hosts={hosts.data} />;
}

function DashboardSkeleton() {
  return (
    <div className="flex flex-col gap-5" aria-busy="true" aria-label="Loading the fleet summary">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4 xl:grid-cols-7">
        {Array.from({ length: 7 }, (_, index) => (
          <Skeleton key={index} className="h-[88px]" />
        ))}
      </div>
      <Skeleton className="h-48" />
    </div>
  );
}
