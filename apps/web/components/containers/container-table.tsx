'use client';

import type { TContainerSort, TContainerSummary } from '@berth/shared';
import Link from 'next/link';
import { useMemo, type HTMLAttributes } from 'react';
import { containerHref, formatPorts, shortId } from '@/lib/container-format';
import { formatRelativeTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { ResourceTable, type Column } from '../ui/resource-table';
import { ContainerUpdateBadge } from '../updates/update-badge';
import { ContainerRowActions } from './container-row-actions';
import { ContainerStateBadge } from './container-state-badge';
import { ContainerStatusText } from './container-status-text';
import { rowKeyOf, type SelectedContainer } from './use-row-selection';

const ROW_HEIGHT = 52;
/** Start loading the next page this many rows before the loaded ones run out. */
const PREFETCH_ROWS = 60;

interface ContainerTableProps {
  rows: readonly TContainerSummary[];
  /** Rows matching the filters on the server, loaded or not. */
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  sort: TContainerSort;
  order: 'asc' | 'desc';
  onSort: (sort: TContainerSort) => void;
  /** Checkboxes only for someone who may run a bulk action on some host. */
  selectable: boolean;
  selected: ReadonlyMap<string, SelectedContainer>;
  onToggle: (index: number, range: boolean) => void;
  onToggleAll: (on: boolean) => void;
}

type ContainerColumn = Column<TContainerSummary, TContainerSort>;

const COLUMNS: readonly ContainerColumn[] = [
  {
    id: 'name',
    header: 'Name',
    sortKey: 'name',
    width: 'w-[26%]',
    cell: (row) => (
      <>
        <Link
          href={containerHref(row.hostId, row.id)}
          className="block truncate font-medium text-fg hover:text-accent hover:underline"
          title={row.name}
        >
          {row.name}
        </Link>
        {/* Here rather than under Image, which a narrow table leaves out. */}
        <div className="flex items-center gap-1.5">
          <span className="truncate font-mono text-[11px] text-muted">{shortId(row.id)}</span>
          <ContainerUpdateBadge hostId={row.hostId} id={row.id} />
        </div>
      </>
    ),
  },
  {
    id: 'host',
    header: 'Host',
    sortKey: 'host',
    width: 'w-[12%]',
    minWidth: 1000,
    className: 'truncate',
    title: (row) => row.hostName,
    cell: (row) => row.hostName,
  },
  {
    id: 'image',
    header: 'Image',
    sortKey: 'image',
    width: 'w-[22%]',
    minWidth: 560,
    cell: (row) => (
      <>
        <div className="truncate font-mono text-xs" title={row.image}>
          {row.image}
        </div>
        <div className="truncate font-mono text-[11px] text-muted" title={row.command}>
          {row.command}
        </div>
      </>
    ),
  },
  {
    id: 'state',
    header: 'State',
    sortKey: 'state',
    width: 'w-44',
    cell: (row) => (
      <>
        <ContainerStateBadge state={row.state} />
        {row.stale ? (
          <div
            className="truncate text-[11px] text-warn"
            title="The host cannot be reached: this is what it last reported"
          >
            last updated <Ago iso={row.updatedAt} />
          </div>
        ) : (
          <div className="truncate text-[11px] text-muted">
            <ContainerStatusText row={row} />
          </div>
        )}
      </>
    ),
  },
  {
    id: 'ports',
    header: 'Ports',
    width: 'w-[14%]',
    minWidth: 1000,
    className: 'font-mono text-xs',
    cell: (row) => {
      const ports = formatPorts(row.ports);
      return (
        <div className="truncate" title={ports.join(', ')}>
          {ports.length > 0 ? ports.join(', ') : <span className="text-muted">—</span>}
        </div>
      );
    },
  },
  {
    id: 'created',
    header: 'Created',
    sortKey: 'created',
    width: 'w-32',
    minWidth: 680,
    className: 'text-xs',
    cell: (row) => <Ago iso={row.createdAt} />,
  },
  {
    id: 'actions',
    header: <span className="sr-only">Quick actions</span>,
    width: 'w-28',
    minWidth: 760,
    // Narrower, the icons show over the row's State while it is hovered or focused.
    foldInto: 'state',
    cell: (row) => <ContainerRowActions row={row} />,
  },
];

/**
 * The fleet list: a ResourceTable whose rows beyond the loaded pages show as placeholders and are
 * fetched as they come close, with a checkbox column for bulk actions.
 */
export function ContainerTable({
  rows,
  total,
  hasMore,
  loadingMore,
  onLoadMore,
  sort,
  order,
  onSort,
  selectable,
  selected,
  onToggle,
  onToggleAll,
}: ContainerTableProps) {
  const loadedSelected = rows.filter((row) => selected.has(rowKeyOf(row))).length;
  const allChecked = rows.length > 0 && loadedSelected === rows.length;
  const someChecked = loadedSelected > 0 && !allChecked;

  const columns = useMemo((): readonly ContainerColumn[] => {
    if (!selectable) return COLUMNS;
    const select: ContainerColumn = {
      id: 'select',
      width: 'w-10',
      header: (
        <input
          type="checkbox"
          aria-label="Select all loaded containers"
          checked={allChecked}
          ref={(input) => {
            if (input) input.indeterminate = someChecked;
          }}
          onChange={(event) => onToggleAll(event.target.checked)}
          className="size-4 accent-[var(--accent)]"
        />
      ),
      cell: (row, index) => (
        <input
          type="checkbox"
          aria-label={`Select ${row.name}`}
          checked={selected.has(rowKeyOf(row))}
          // React reports a checkbox change from its click, so Shift is on the native event.
          onChange={(event) => onToggle(index, (event.nativeEvent as MouseEvent).shiftKey)}
          className="size-4 accent-[var(--accent)]"
        />
      ),
    };
    return [select, ...COLUMNS];
  }, [selectable, selected, allChecked, someChecked, onToggle, onToggleAll]);

  return (
    <ResourceTable
      label="Containers"
      testId="container-scroll"
      scrollClassName="h-[calc(100vh-17rem)] min-h-80"
      tableClassName="min-w-[20rem]"
      columns={columns}
      rows={rows}
      rowKey={rowKeyOf}
      rowHeight={ROW_HEIGHT}
      total={total}
      hasMore={hasMore}
      loadingMore={loadingMore}
      onLoadMore={onLoadMore}
      prefetchRows={PREFETCH_ROWS}
      sort={{ key: sort, order, onSort }}
      rowProps={(row) => {
        const checked = selected.has(rowKeyOf(row));
        return {
          'aria-selected': checked,
          'data-stale': row.stale || undefined,
          className: `${checked ? 'bg-accent/5' : 'hover:bg-surface-2/50'} ${row.stale ? 'text-muted opacity-60' : ''}`,
        } as HTMLAttributes<HTMLTableRowElement>;
      }}
    />
  );
}

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "3 minutes ago" with the exact time as its tooltip; one shared formatter for every row. */
function Ago({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={exact.format(new Date(iso))} className="whitespace-nowrap">
      {formatRelativeTime(iso, now)}
    </time>
  );
}
