'use client';

import type { THostSummary } from '@berth/shared';
import Link from 'next/link';
import { useHostContainers } from '@/lib/host-containers';
import { ContainerStateBadge } from '../containers/container-state-badge';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { FactList } from './fact-list';
import {
  HostContainerCountsLink,
  HostCountLink,
  HostCountsAge,
  hostListHref,
} from './host-count-links';

/** How many containers the host page lists before pointing to the full list. */
const SHOWN = 25;

/**
 * What runs on a host, from the same fleet summary as the dashboard (so both show the same counts,
 * as of the same time when the host is down), each count linking to the filtered list, and the
 * host's containers as last seen.
 */
export function HostInventoryPanel({
  hostId,
  summary,
}: {
  hostId: string;
  summary: THostSummary | undefined;
}) {
  const containers = useHostContainers(hostId, SHOWN);
  const total = containers.data?.total ?? 0;
  return (
    <Panel
      title="On this host"
      actions={
        <span className="text-xs">
          <HostCountsAge summary={summary} />
        </span>
      }
    >
      <div className="flex flex-col gap-4">
        <FactList
          facts={[
            { label: 'Containers', value: <HostContainerCountsLink summary={summary} /> },
            { label: 'Images', value: <HostCountLink summary={summary} list="images" /> },
            { label: 'Networks', value: <HostCountLink summary={summary} list="networks" /> },
            { label: 'Volumes', value: <HostCountLink summary={summary} list="volumes" /> },
          ]}
        />
        {containers.isPending ? (
          <Skeleton className="h-24" />
        ) : containers.isError ? (
          <ErrorNotice error={containers.error} onRetry={() => void containers.refetch()} />
        ) : total === 0 ? (
          <p className="text-sm text-muted">No containers on this host.</p>
        ) : (
          <ul
            aria-label="Containers on this host"
            className="divide-y divide-border rounded border border-border"
          >
            {containers.data.items.map((container) => (
              <li
                key={container.id}
                className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm"
              >
                <Link
                  href={`/containers/${encodeURIComponent(hostId)}/${encodeURIComponent(container.id)}`}
                  className="min-w-0 truncate font-medium text-fg hover:text-accent hover:underline"
                >
                  {container.name}
                </Link>
                <ContainerStateBadge state={container.state} />
                <span className="min-w-0 flex-1 truncate font-mono text-xs text-muted">
                  {container.image}
                </span>
                <span className="text-xs text-muted">{container.status}</span>
              </li>
            ))}
          </ul>
        )}
        {total > SHOWN ? (
          <Link
            href={hostListHref('containers', hostId)}
            className="text-sm text-accent hover:underline"
          >
            All {total} containers of this host
          </Link>
        ) : null}
      </div>
    </Panel>
  );
}
