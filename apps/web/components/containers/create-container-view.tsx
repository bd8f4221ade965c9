'use client';

import { ArrowLeft } from 'lucide-react';
import Link from 'next/link';
import { emptyContainerForm, formFromInspect } from '@/lib/container-form';
import { useContainerInspect, useFleetSummary } from '@/lib/container-queries';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Skeleton } from '../ui/skeleton';
import { ContainerForm } from './container-form';

interface CreateContainerViewProps {
  /** Preselected host (`?host=`). */
  hostId: string;
  /** The container to copy (`?from=hostId/id`), for "duplicate and edit". */
  from: { hostId: string; id: string } | null;
}

export function CreateContainerView({ hostId, from }: CreateContainerViewProps) {
  const summary = useFleetSummary();
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
      ) : from ? (
        <DuplicateForm from={from} hosts={summary.data.perHost} />
      ) : (
        <ContainerForm
          initial={emptyContainerForm(
            hostId ||
              (summary.data.perHost.length === 1 ? (summary.data.perHost[0]?.hostId ?? '') : ''),
          )}
          hosts={summary.data.perHost}
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
