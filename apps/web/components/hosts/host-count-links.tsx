import type { THostSummary } from '@berth/shared';
import Link from 'next/link';
import { NoValue } from '../ui/table';
import { ContainerCounts } from './container-counts';
import { RelativeTime } from './relative-time';

/** The fleet list of one kind, filtered to one host. */
export function hostListHref(
  list: 'containers' | 'images' | 'networks' | 'volumes',
  hostId: string,
) {
  return `/${list}?host=${encodeURIComponent(hostId)}`;
}

const linkClass = 'rounded hover:text-accent hover:underline';

/** Running / paused / stopped of one host, linking to its containers. */
export function HostContainerCountsLink({ summary }: { summary: THostSummary | undefined }) {
  if (!summary) return <NoValue />;
  return (
    <Link
      href={hostListHref('containers', summary.hostId)}
      title={`${summary.containers.total} containers on ${summary.name}`}
      className={linkClass}
    >
      <ContainerCounts containers={summary.containers} />
    </Link>
  );
}

/** A count linking to the list it counts; a dash until the engine has been asked. */
export function HostCountLink({
  summary,
  list,
}: {
  summary: THostSummary | undefined;
  list: 'images' | 'networks' | 'volumes';
}) {
  const count = summary?.[list];
  if (!summary || count === null || count === undefined) return <NoValue />;
  return (
    <Link
      href={hostListHref(list, summary.hostId)}
      title={`${count} ${list} on ${summary.name}`}
      className={`${linkClass} font-mono tabular-nums`}
    >
      {count}
    </Link>
  );
}

/** "live", or the time the counts were last confirmed by the engine. */
export function HostCountsAge({ summary }: { summary: THostSummary | undefined }) {
  if (!summary) return null;
  return summary.stale ? (
    <span className="text-warn" data-stale="true">
      as of <RelativeTime iso={summary.updatedAt} fallback="never read" />
    </span>
  ) : (
    <span className="text-muted">live</span>
  );
}
