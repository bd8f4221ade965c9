import type { THost, THostSummary } from '@berth/shared';
import Link from 'next/link';
import { ContainerCounts } from '../hosts/container-counts';
import { HostStatus } from '../hosts/host-status';
import { RelativeTime } from '../hosts/relative-time';
import { NoValue, Table, Td, Th } from '../ui/table';

interface HostOverviewTableProps {
  /** Per-host counts from the fleet summary (live). */
  summaries: readonly THostSummary[];
  /** Host records, for administrators: address, engine version, last contact. */
  hosts?: readonly THost[] | undefined;
}

/** One row per host: the dashboard's short version of the Hosts table. */
export function HostOverviewTable({ summaries, hosts }: HostOverviewTableProps) {
  const byId = new Map(hosts?.map((host) => [host.id, host]));
  return (
    <Table label="Hosts overview">
      <thead>
        <tr>
          <Th>Host</Th>
          <Th>Status</Th>
          <Th>Engine</Th>
          <Th>Containers</Th>
          <Th className="text-right">Images</Th>
          <Th className="text-right">Volumes</Th>
          <Th>Counts</Th>
        </tr>
      </thead>
      <tbody>
        {summaries.map((summary) => {
          const host = byId.get(summary.hostId);
          return (
            <tr key={summary.hostId} className="hover:bg-surface-2/50">
              <Td>
                {host ? (
                  <Link
                    href={`/hosts/${encodeURIComponent(summary.hostId)}`}
                    className="font-medium text-fg hover:text-accent hover:underline"
                  >
                    {summary.name}
                  </Link>
                ) : (
                  <Link
                    href={`/containers?host=${encodeURIComponent(summary.hostId)}`}
                    className="font-medium text-fg hover:text-accent hover:underline"
                  >
                    {summary.name}
                  </Link>
                )}
                {host ? <div className="font-mono text-xs text-muted">{host.url}</div> : null}
              </Td>
              <Td>
                <HostStatus host={{ status: summary.status, error: host?.error ?? null }} />
              </Td>
              <Td className="font-mono text-xs">{host?.engine?.version ?? <NoValue />}</Td>
              <Td>
                <Link
                  href={`/containers?host=${encodeURIComponent(summary.hostId)}`}
                  title={`${summary.containers.total} containers`}
                  className="rounded hover:opacity-80"
                >
                  <ContainerCounts containers={summary.containers} />
                </Link>
              </Td>
              <Td className="text-right font-mono text-xs tabular-nums">
                {summary.images ?? <NoValue />}
              </Td>
              <Td className="text-right font-mono text-xs tabular-nums">
                {summary.volumes ?? <NoValue />}
              </Td>
              <Td className="text-xs">
                {summary.stale ? (
                  <span className="text-warn">
                    as of <RelativeTime iso={summary.updatedAt} fallback="never read" />
                  </span>
                ) : (
                  <span className="text-muted">live</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
