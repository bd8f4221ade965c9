'use client';

import type { TAuditEvent } from '@berth/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { formatDateTime } from '@/lib/format';
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

const HEAD =
  'sticky top-0 z-10 border-b border-border bg-surface-2 px-3 py-2 text-xs font-medium text-muted';
const CELL = 'truncate border-b border-border px-3';

/**
 * The audit records in a scrolling box that renders only the rows in view, so tens of thousands
 * of records scroll as smoothly as a hundred. Pages load as the end comes near.
 */
export function AuditTable({
  events,
  hostName,
  hasMore,
  loadingMore,
  onLoadMore,
  onOpen,
}: AuditTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // The app does not run the React Compiler, whose memoisation this hook's API would defeat.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const rows = virtualizer.getVirtualItems();
  const lastVisible = rows.at(-1)?.index ?? -1;
  const nearEnd = lastVisible >= events.length - PREFETCH_ROWS;

  useEffect(() => {
    if (nearEnd && hasMore && !loadingMore) onLoadMore();
  }, [nearEnd, hasMore, loadingMore, onLoadMore]);

  const before = rows[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0);

  return (
    <div ref={scroller} className="max-h-[min(70vh,48rem)] overflow-auto">
      <table
        aria-label="Audit log"
        aria-rowcount={events.length + 1}
        className="w-full min-w-[56rem] table-fixed border-separate border-spacing-0 text-left text-sm"
      >
        <colgroup>
          <col className="w-48" />
          <col className="w-40" />
          <col className="w-48" />
          <col />
          <col className="w-36" />
          <col className="w-28" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className={HEAD}>
              Time
            </th>
            <th scope="col" className={HEAD}>
              Actor
            </th>
            <th scope="col" className={HEAD}>
              Action
            </th>
            <th scope="col" className={HEAD}>
              Target
            </th>
            <th scope="col" className={HEAD}>
              Host
            </th>
            <th scope="col" className={HEAD}>
              Outcome
            </th>
          </tr>
        </thead>
        <tbody>
          {before > 0 ? (
            <tr aria-hidden>
              <td colSpan={6} style={{ height: before }} className="p-0" />
            </tr>
          ) : null}
          {rows.map((row) => {
            const event = events[row.index];
            if (!event) return null;
            return (
              <tr
                key={event.id}
                aria-rowindex={row.index + 2}
                onClick={() => onOpen(event)}
                className="h-[41px] cursor-pointer hover:bg-surface-2/50"
              >
                <td className={`${CELL} text-xs whitespace-nowrap text-muted tabular-nums`}>
                  <time dateTime={event.time}>{formatDateTime(event.time)}</time>
                </td>
                <td className={CELL} title={event.actor.name}>
                  {event.actor.name}
                  {event.actor.type !== 'user' ? (
                    <span className="ml-1.5 text-xs text-muted">{event.actor.type}</span>
                  ) : null}
                </td>
                <td className={CELL}>
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
                </td>
                <td className={`${CELL} font-mono text-xs`} title={event.target ?? undefined}>
                  {event.target ?? <NoValue />}
                </td>
                <td className={`${CELL} text-xs`} title={event.hostId ?? undefined}>
                  {event.hostId ? (hostName(event.hostId) ?? event.hostId) : <NoValue />}
                </td>
                <td className={CELL}>
                  <AuditOutcomeTag outcome={event.outcome} />
                </td>
              </tr>
            );
          })}
          {after > 0 ? (
            <tr aria-hidden>
              <td colSpan={6} style={{ height: after }} className="p-0" />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
