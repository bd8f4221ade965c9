import type { THost } from '@berth/shared';
import { Trash2 } from 'lucide-react';
import Link from 'next/link';
import { Button } from '../ui/button';
import { NoValue, Table, Td, Th } from '../ui/table';
import { ContainerCounts } from './container-counts';
import { HostLabels } from './host-labels';
import { HostStatus } from './host-status';
import { RelativeTime } from './relative-time';

interface HostTableProps {
  hosts: readonly THost[];
  /** Admins see a remove button per row. */
  onRemove?: ((host: THost) => void) | undefined;
}

export function HostTable({ hosts, onRemove }: HostTableProps) {
  return (
    <Table label="Hosts">
      <thead>
        <tr>
          <Th>Host</Th>
          <Th>Status</Th>
          <Th>Engine</Th>
          <Th>System</Th>
          <Th>Containers</Th>
          <Th className="text-right">Images</Th>
          <Th>Last seen</Th>
          {onRemove ? (
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {hosts.map((host) => (
          <tr key={host.id} className="hover:bg-surface-2/50">
            <Td className="min-w-60">
              <div className="flex items-baseline gap-2">
                <Link
                  href={`/hosts/${encodeURIComponent(host.id)}`}
                  className="font-medium text-fg hover:text-accent hover:underline"
                >
                  {host.name}
                </Link>
                <span className="font-mono text-[11px] text-muted" title="Connection kind">
                  {host.kind}
                </span>
              </div>
              <div className="font-mono text-xs break-all text-muted">{host.url}</div>
              <div className="mt-1 empty:hidden">
                <HostLabels host={host} />
              </div>
            </Td>
            <Td className="min-w-40">
              <HostStatus host={host} />
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">
              {host.engine ? (
                <>
                  {host.engine.version}
                  <div className="text-muted">API {host.engine.apiVersion}</div>
                </>
              ) : (
                <NoValue />
              )}
            </Td>
            <Td className="max-w-48 text-xs">
              {host.engine ? (
                <>
                  <div className="truncate" title={host.engine.os}>
                    {host.engine.os}
                  </div>
                  <div className="font-mono text-muted">{host.engine.storageDriver}</div>
                </>
              ) : (
                <NoValue />
              )}
            </Td>
            <Td>
              {host.engine ? <ContainerCounts containers={host.engine.containers} /> : <NoValue />}
            </Td>
            <Td className="text-right font-mono text-xs tabular-nums">
              {host.engine?.images ?? <NoValue />}
            </Td>
            <Td className="text-xs">
              <RelativeTime iso={host.lastSeenAt} />
            </Td>
            {onRemove ? (
              <Td className="text-right">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove ${host.name}`}
                  title="Remove host"
                  onClick={() => onRemove(host)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </Td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
