'use client';

import type { THostSummary } from '@berth/shared';
import { CloudOff } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { shortId } from '@/lib/container-format';
import { useHostContainers } from '@/lib/host-containers';
import { FactList } from '../hosts/fact-list';
import { RelativeTime } from '../hosts/relative-time';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { ContainerStateBadge } from './container-state-badge';

/** Enough to find one container among a host's in Berth's inventory. */
const INVENTORY_LIMIT = 500;

/**
 * A container of a host Berth cannot reach, as the inventory last saw it, marked stale with the
 * time: shown at once instead of waiting for the engine to time out.
 */
export function LastKnownContainer({
  host,
  id,
  back,
  notice,
}: {
  host: THostSummary;
  id: string;
  back: ReactNode;
  /** The engine's own answer once it failed (why the host cannot be reached). */
  notice?: ReactNode;
}) {
  const list = useHostContainers(host.hostId, INVENTORY_LIMIT);
  const entry = list.data?.items.find(
    (c) => c.id === id || c.name === id || (id.length >= 3 && c.id.startsWith(id)),
  );
  const banner = (
    <p
      role="status"
      data-stale="true"
      className="flex items-start gap-2 rounded-md border border-warn/30 bg-warn/10 px-3 py-2 text-sm text-fg"
    >
      <CloudOff aria-hidden className="mt-0.5 size-4 shrink-0 text-warn" />
      <span>
        Host <strong>{host.name}</strong> is {host.status.replace('_', ' ')}: this is what it last
        reported, <RelativeTime iso={entry?.updatedAt ?? host.updatedAt} fallback="never" />.
        Actions, logs and the console come back with the host.
      </span>
    </p>
  );
  if (list.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading container" className="flex flex-col gap-4">
        {back}
        {banner}
        <Skeleton className="h-24" />
      </div>
    );
  }
  return (
    <>
      {back}
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2.5">
            <span className="break-all">{entry?.name ?? id}</span>
            {entry ? <ContainerStateBadge state={entry.state} /> : null}
          </span>
        }
        description={
          <span className="text-xs">
            on{' '}
            <Link
              href={`/hosts/${encodeURIComponent(host.hostId)}`}
              className="text-fg hover:text-accent hover:underline"
            >
              {host.name}
            </Link>
          </span>
        }
      />
      <div className="flex flex-col gap-4">
        {banner}
        {notice}
        <Panel title="As last seen">
          {entry ? (
            <FactList
              facts={[
                { label: 'Image', value: entry.image, mono: true },
                { label: 'Command', value: entry.command || '—', mono: true },
                { label: 'Status', value: entry.status },
                { label: 'Created', value: <RelativeTime iso={entry.createdAt} /> },
                { label: 'ID', value: shortId(entry.id), mono: true },
              ]}
            />
          ) : (
            <p className="text-sm text-muted">
              Berth has no record of this container on {host.name}.
            </p>
          )}
        </Panel>
      </div>
    </>
  );
}
