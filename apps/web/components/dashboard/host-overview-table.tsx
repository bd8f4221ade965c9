import type { THost } from '@berth/shared';
import Link from 'next/link';
import { ContainerCounts } from '../hosts/container-counts';
import { HostStatus } from '../hosts/host-status';
import { RelativeTime } from '../hosts/relative-time';
import { NoValue, Table, Td, Th } from '../ui/table';

/** One row per host: the dashboard's short version of the Hosts table. */
export function HostOverviewTable({ hosts }: { hosts: readonly THost[] }) {
  return (
    <Table label="Hosts overview">
      <thead>
        <tr>
          <Th>Host</Th>
          <Th>Status</Th>
          <Th>Engine</Th>
          <Th>Containers</Th>
          <Th className="text-right">Images</Th>
          <Th>Last seen</Th>
        </tr>
      </thead>
      <tbody>
        {hosts.map((host) => (
          <tr key={host.id} className="hover:bg-surface-2/50">
            <Td>
              <Link
                href={`/hosts/${encodeURIComponent(host.id)}`}
                className="font-medium text-fg hover:text-accent hover:underline"
              >
                {host.name}
              </Link>
              <div className="font-mono text-xs text-muted">{host.url}</div>
            </Td>
            <Td>
              <HostStatus host={host} />
            </Td>
            <Td className="font-mono text-xs">{host.engine?.version ?? <NoValue />}</Td>
            <Td>
              {host.engine ? <ContainerCounts containers={host.engine.containers} /> : <NoValue />}
            </Td>
            <Td className="text-right font-mono text-xs tabular-nums">
              {host.engine?.images ?? <NoValue />}
            </Td>
            <Td className="text-xs">
              <RelativeTime iso={host.lastSeenAt} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
