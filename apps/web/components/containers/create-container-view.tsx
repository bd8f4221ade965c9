'use client';

import type { THostSummary } from '@berth/shared';
import { ArrowLeft, Container } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { hostsWith, useCapabilities } from '@/lib/capabilities';
import { emptyContainerForm, formFromInspect } from '@/lib/container-form';
import { useContainerInspect, useFleetSummary } from '@/lib/container-queries';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Skeleton } from '../ui/skeleton';
import { ContainerForm } from './container-form';

interface CreateContainerViewProps {
  /** Preselected host (`?host=`). */
  hostId: string;
  /** Prefilled image reference (`?image=`), e.g. from a registry tag. */
  image: string;
  /** The container to copy (`?from=hostId/id`), for "duplicate and edit". */
  from: { hostId: string; id: string } | null;
}

export function CreateContainerView({ hostId, image, from }: CreateContainerViewProps) {
  const summary = useFleetSummary();
  const capabilities = useCapabilities().data;
  // Only the hosts the user may create on are offered.
  const hosts = useMemo((): THostSummary[] => {
    const creatable = new Set(hostsWith(capabilities, 'container.create'));
    return summary.data?.perHost.filter((host) => creatable.has(host.hostId)) ?? [];
  }, [summary.data, capabilities]);
  const preselected = hosts.some((host) => host.hostId === hostId) ? hostId : '';
  const back = (
    <Link
      href="/containers"
      className="mb-3 inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
    >
      <ArrowLeft aria-hidden className="size-3.5" />
      Containers
    </Link>
  );
  return (
    <>
      {back}
      <PageHeader
        title={from ? 'Duplicate container' : 'New container'}
        description="Create a container on one of your hosts; the image is pulled when the host does not have it."
      />
      {summary.isPending ? (
        <FormSkeleton />
      ) : summary.isError ? (
        <ErrorNotice error={summary.error} onRetry={() => void summary.refetch()} />
      ) : hosts.length === 0 ? (
        <EmptyState icon={Container} title="No host to create on">
          None of the hosts you may see lets you create containers. Ask an administrator for a role
          that does.
        </EmptyState>
      ) : from ? (
        <DuplicateForm from={from} hosts={hosts} />
      ) : (
        <ContainerForm
          initial={{
            ...emptyContainerForm(
              preselected || (hosts.length === 1 ? (hosts[0]?.hostId ?? '') : ''),
            ),
            image,
          }}
          hosts={hosts}
        />
      )}
    </>
  );
}

function DuplicateForm({
  from,
  hosts,
}: {
  from: { hostId: string; id: string };
  hosts: Parameters<typeof ContainerForm>[0]['hosts'];
}) {
  const source = useContainerInspect(from.hostId, from.id);
  if (source.isPending) return <FormSkeleton />;
  if (source.isError) {
    return (
      <ErrorNotice
        error={source.error}
        title="The container to copy cannot be read"
        onRetry={() => void source.refetch()}
      />
    );
  }
  const initial = formFromInspect(from.hostId, source.data);
  return (
    <ContainerForm
      key={`${from.hostId}/${from.id}`}
      initial={initial}
      hosts={hosts}
      sourceName={initial.name.replace(/-copy$/, '')}
    />
  );
}

function FormSkeleton() {
  return (
    <div className="flex flex-col gap-4" aria-busy="true" aria-label="Loading">
      <Skeleton className="h-40" />
      <Skeleton className="h-32" />
      <Skeleton className="h-32" />
    </div>
  );
}
