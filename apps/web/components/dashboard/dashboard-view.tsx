'use client';

import { Server } from 'lucide-react';
import Link from 'next/link';
import { summarizeFleet } from '@/lib/fleet-summary';
import { useHosts } from '@/lib/queries';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { FleetSummaryCards } from './fleet-summary-cards';
import { HostOverviewTable } from './host-overview-table';

export function DashboardView() {
  const hosts = useHosts();
  return (
    <>
      <PageHeader title="Dashboard" description="Status of every Docker host in the fleet." />
      <DashboardBody hosts={hosts} />
    </>
  );
}

function DashboardBody({ hosts }: { hosts: ReturnType<typeof useHosts> }) {
  if (hosts.isPending) return <DashboardSkeleton />;
  if (hosts.isError) {
    return <ErrorNotice error={hosts.error} onRetry={() => void hosts.refetch()} />;
  }
  return (
    <div className="flex flex-col gap-5">
      <FleetSummaryCards summary={summarizeFleet(hosts.data)} />
      <Panel title="Hosts" flush={hosts.data.length > 0}>
        {hosts.data.length > 0 ? (
          <HostOverviewTable hosts={hosts.data} />
        ) : (
          <EmptyState icon={Server} title="No hosts yet">
            <p className="mb-3">Add a Docker host to see its containers and images here.</p>
            <Link href="/hosts" className={buttonClassName('primary')}>
              Add a host
            </Link>
          </EmptyState>
        )}
      </Panel>
    </div>
  );
}

function DashboardSkeleton() {
  return (
    <div className="flex flex-col gap-5" aria-busy="true" aria-label="Loading hosts">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-5">
        {Array.from({ length: 5 }, (_, index) => (
          <Skeleton key={index} className="h-[88px]" />
        ))}
      </div>
      <Skeleton className="h-48" />
    </div>
  );
}
