'use client';

import type { THost, THostSummary } from '@berth/shared';
import { Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { Button } from '../ui/button';
import { ResourceTable, type Column } from '../ui/resource-table';
import { NoValue } from '../ui/table';
import { HostContainerCountsLink, HostCountLink, HostCountsAge } from './host-count-links';
import { HostLabels } from './host-labels';
import { HostStatus } from './host-status';
import { RelativeTime } from './relative-time';

interface HostTableProps {
  hosts: readonly THost[];
  /** Admins see a remove button per row. */
  onRemove?: ((host: THost) => void) | undefined;
  /** The fleet summary's counts by host id: the dashboard's numbers, as of the same time. */
  summaries: ReadonlyMap<string, THostSummary>;
}

/** Name, address and labels stack in the first cell; the row is tall enough for the three. */
const ROW_HEIGHT = 84;

export function HostTable({ hosts, onRemove, summaries }: HostTableProps) {
  const columns = useMemo((): readonly Column<THost>[] => {
    const shown: Column<THost>[] = [
      {
        id: 'host',
        header: 'Host',
        width: 'w-[26%]',
        className: 'py-2',
        cell: (host) => (
          <>
            <div className="flex items-baseline gap-2">
              <Link
                href={`/hosts/${encodeURIComponent(host.id)}`}
                className="truncate font-medium text-fg hover:text-accent hover:underline"
              >
                {host.name}
              </Link>
              <span className="font-mono text-[11px] text-muted" title="Connection kind">
                {host.kind}
              </span>
            </div>
            <div className="truncate font-mono text-xs text-muted" title={host.url}>
              {host.url}
            </div>
            <div className="mt-1 max-h-5 overflow-hidden empty:hidden">
              <HostLabels host={host} />
            </div>
          </>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        width: 'w-44',
        cell: (host) => <HostStatus host={host} />,
      },
      {
        id: 'engine',
        header: 'Engine',
        width: 'w-36',
        minWidth: 900,
        className: 'truncate font-mono text-xs whitespace-nowrap',
        cell: (host) =>
          host.engine ? (
            <>
              {host.engine.version}
              <div className="text-muted">API {host.engine.apiVersion}</div>
            </>
          ) : (
            <NoValue />
          ),
      },
      {
        id: 'system',
        header: 'System',
        minWidth: 1100,
        className: 'text-xs',
        cell: (host) =>
          host.engine ? (
            <>
              <div className="truncate" title={host.engine.os}>
                {host.engine.os}
              </div>
              <div className="truncate font-mono text-muted">{host.engine.storageDriver}</div>
            </>
          ) : (
            <NoValue />
          ),
      },
      {
        id: 'containers',
        header: 'Containers',
        width: 'w-36',
        // On a phone the host's name and status take the row.
        minWidth: 520,
        cell: (host) => (
          <>
            <HostContainerCountsLink summary={summaries.get(host.id)} />
            <div className="truncate text-xs">
              <HostCountsAge summary={summaries.get(host.id)} />
            </div>
          </>
        ),
      },
      {
        id: 'images',
        header: <span className="block text-right">Images</span>,
        width: 'w-20',
        minWidth: 640,
        className: 'text-right text-xs',
        cell: (host) => <HostCountLink summary={summaries.get(host.id)} list="images" />,
      },
      {
        id: 'lastSeen',
        header: 'Last seen',
        width: 'w-32',
        minWidth: 760,
        className: 'truncate text-xs',
        cell: (host) => <RelativeTime iso={host.lastSeenAt} />,
      },
    ];
    if (onRemove) {
      shown.push({
        id: 'actions',
        header: <span className="sr-only">Actions</span>,
        width: 'w-16',
        minWidth: 600,
        className: 'text-right',
        cell: (host) => (
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Remove ${host.name}`}
            title="Remove host"
            onClick={() => onRemove(host)}
          >
            <Trash2 aria-hidden />
          </Button>
        ),
      });
    }
    return shown;
  }, [onRemove, summaries]);

  return (
    <ResourceTable
      label="Hosts"
      scrollClassName="max-h-[min(75vh,56rem)]"
      tableClassName="min-w-[20rem]"
      columns={columns}
      rows={hosts}
      rowKey={(host) => host.id}
      rowHeight={ROW_HEIGHT}
    />
  );
}
