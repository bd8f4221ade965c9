'use client';

import type { TAuditEvent } from '@berth/shared';
import { useMemo } from 'react';
import { formatDateTime } from '@/lib/format';
import { ResourceTable, type Column } from '../ui/resource-table';
import { NoValue } from '../ui/table';
import { AuditOutcomeTag } from './audit-outcome';

interface AuditTableProps {
  events: readonly TAuditEvent[];
  hostName: (id: string) => string | undefined;
  /** More records are on the server; asked for as the list nears its end. */
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onOpen: (event: TAuditEvent) => void;
}

const ROW_HEIGHT = 41;
/** Start fetching the next page this many rows before the end comes into view. */
const PREFETCH_ROWS = 25;

/**
 * The audit records in a ResourceTable, so tens of thousands of records scroll as smoothly as a
 * hundred. Pages load as the end comes near; a row opens the whole record.
 */
export function AuditTable({
  events,
  hostName,
  hasMore,
  loadingMore,
  onLoadMore,
  onOpen,
}: AuditTableProps) {
  const columns = useMemo(
    (): readonly Column<TAuditEvent>[] => [
      {
        id: 'time',
        header: 'Time',
        width: 'w-48',
        className: 'truncate text-xs whitespace-nowrap text-muted tabular-nums',
        cell: (event) => <time dateTime={event.time}>{formatDateTime(event.time)}</time>,
      },
      {
        id: 'actor',
        header: 'Actor',
        width: 'w-40',
        className: 'truncate',
        title: (event) => event.actor.name,
        cell: (event) => (
          <>
            {event.actor.name}
            {event.actor.type !== 'user' ? (
              <span className="ml-1.5 text-xs text-muted">{event.actor.type}</span>
            ) : null}
          </>
        ),
      },
      {
        id: 'action',
        header: 'Action',
        width: 'w-48',
        className: 'truncate',
        cell: (event) => (
          <button
            type="button"
            onClick={(click) => {
              click.stopPropagation();
              onOpen(event);
            }}
            title="Show the whole record"
            className="max-w-full truncate rounded font-mono text-[13px] text-fg hover:text-accent hover:underline"
          >
            {event.action}
          </button>
        ),
      },
      {
        id: 'target',
        header: 'Target',
        className: 'truncate font-mono text-xs',
        title: (event) => event.target ?? undefined,
        cell: (event) => event.target ?? <NoValue />,
      },
      {
        id: 'host',
        header: 'Host',
        width: 'w-36',
        className: 'truncate text-xs',
        title: (event) => event.hostId ?? undefined,
        cell: (event) => (event.hostId ? (hostName(event.hostId) ?? event.hostId) : <NoValue />),
      },
      {
        id: 'outcome',
        header: 'Outcome',
        width: 'w-28',
        className: 'truncate',
        cell: (event) => <AuditOutcomeTag outcome={event.outcome} />,
      },
    ],
    [hostName, onOpen],
  );

  return (
    <ResourceTable
      label="Audit log"
      scrollClassName="max-h-[min(70vh,48rem)]"
      tableClassName="min-w-[56rem]"
      columns={columns}
      rows={events}
      rowKey={(event) => String(event.id)}
      rowHeight={ROW_HEIGHT}
      hasMore={hasMore}
      loadingMore={loadingMore}
      onLoadMore={onLoadMore}
      prefetchRows={PREFETCH_ROWS}
      rowProps={(event) => ({
        onClick: () => onOpen(event),
        className: 'cursor-pointer hover:bg-surface-2/50',
      })}
    />
  );
}
