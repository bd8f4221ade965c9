'use client';

import type { TContainerSort, TContainerSummary } from '@berth/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import Link from 'next/link';
import { memo, useEffect, useRef, type ReactNode } from 'react';
import { containerHref, formatPorts, shortId } from '@/lib/container-format';
import { formatRelativeTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { ContainerStateBadge } from './container-state-badge';
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

/**
 * The fleet list as one table whose rows are rendered only while near the viewport; rows beyond
 * the loaded pages show as placeholders and are fetched as they come close.
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
  const columns = selectable ? 7 : 6;
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = hasMore ? Math.max(total, rows.length + 1) : rows.length;
  // The virtualizer is read during render on purpose: its items are this render's rows.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const loadedSelected = rows.filter((row) => selected.has(rowKeyOf(row))).length;
  const allChecked = rows.length > 0 && loadedSelected === rows.length;

  return (
    <div
      ref={scrollRef}
      data-testid="container-scroll"
      className="relative h-[calc(100vh-17rem)] min-h-80 overflow-auto"
    >
      <table
        aria-label="Containers"
        aria-rowcount={count + 1}
        className="w-full min-w-[960px] table-fixed border-collapse text-left text-sm"
      >
        <colgroup>
          {selectable ? <col className="w-10" /> : null}
          <col className="w-[26%]" />
          <col className="w-[12%]" />
          <col className="w-[22%]" />
          <col className="w-44" />
          <col className="w-[14%]" />
          <col className="w-32" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {selectable ? (
              <HeaderCell>
                <input
                  type="checkbox"
                  aria-label="Select all loaded containers"
                  checked={allChecked}
                  ref={(input) => {
                    if (input) input.indeterminate = loadedSelected > 0 && !allChecked;
                  }}
                  onChange={(event) => onToggleAll(event.target.checked)}
                  className="size-4 accent-[var(--accent)]"
                />
              </HeaderCell>
            ) : null}
            <SortHeader label="Name" field="name" sort={sort} order={order} onSort={onSort} />
            <SortHeader label="Host" field="host" sort={sort} order={order} onSort={onSort} />
            <SortHeader label="Image" field="image" sort={sort} order={order} onSort={onSort} />
            <SortHeader label="State" field="state" sort={sort} order={order} onSort={onSort} />
            <HeaderCell>Ports</HeaderCell>
            <SortHeader label="Created" field="created" sort={sort} order={order} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden style={{ height: paddingTop }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            return row ? (
              <ContainerRow
                key={rowKeyOf(row)}
                row={row}
                index={item.index}
                checked={selected.has(rowKeyOf(row))}
                onToggle={selectable ? onToggle : null}
              />
            ) : (
              <PlaceholderRow
                key={`placeholder-${item.index}`}
                index={item.index}
                columns={columns}
              />
            );
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden style={{ height: paddingBottom }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function HeaderCell({ children }: { children?: ReactNode }) {
  return (
    <th
      scope="col"
      className="sticky top-0 z-[1] h-9 border-b border-border bg-surface-2 px-3 text-xs font-medium whitespace-nowrap text-muted"
    >
      {children}
    </th>
  );
}

interface SortHeaderProps {
  label: string;
  field: TContainerSort;
  sort: TContainerSort;
  order: 'asc' | 'desc';
  onSort: (sort: TContainerSort) => void;
}

function SortHeader({ label, field, sort, order, onSort }: SortHeaderProps) {
  const active = sort === field;
  const Arrow = order === 'asc' ? ArrowUp : ArrowDown;
  return (
    <th
      scope="col"
      aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
      className="sticky top-0 z-[1] h-9 border-b border-border bg-surface-2 px-1.5 text-xs font-medium whitespace-nowrap text-muted"
    >
      <button
        type="button"
        onClick={() => onSort(field)}
        title={`Sort by ${label.toLowerCase()}`}
        className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-surface hover:text-fg ${active ? 'text-fg' : ''}`}
      >
        {label}
        {active ? <Arrow aria-hidden className="size-3" /> : null}
      </button>
    </th>
  );
}

interface ContainerRowProps {
  row: TContainerSummary;
  index: number;
  checked: boolean;
  onToggle: ((index: number, range: boolean) => void) | null;
}

/** Rows re-render only when their own data changes, not on every scroll frame of the table. */
const ContainerRow = memo(function ContainerRow({
  row,
  index,
  checked,
  onToggle,
}: ContainerRowProps) {
  const ports = formatPorts(row.ports);
  const cell = 'border-b border-border px-3 align-middle overflow-hidden';
  return (
    <tr
      aria-rowindex={index + 2}
      data-stale={row.stale || undefined}
      aria-selected={checked}
      className={`h-[52px] ${checked ? 'bg-accent/5' : 'hover:bg-surface-2/50'} ${row.stale ? 'text-muted opacity-60' : ''}`}
    >
      {onToggle ? (
        <td className={cell}>
          <input
            type="checkbox"
            aria-label={`Select ${row.name}`}
            checked={checked}
            // React reports a checkbox change from its click, so Shift is on the native event.
            onChange={(event) => onToggle(index, (event.nativeEvent as MouseEvent).shiftKey)}
            className="size-4 accent-[var(--accent)]"
          />
        </td>
      ) : null}
      <td className={cell}>
        <Link
          href={containerHref(row.hostId, row.id)}
          className="block truncate font-medium text-fg hover:text-accent hover:underline"
          title={row.name}
        >
          {row.name}
        </Link>
        <div className="truncate font-mono text-[11px] text-muted">{shortId(row.id)}</div>
      </td>
      <td className={`${cell} truncate`} title={row.hostName}>
        {row.hostName}
      </td>
      <td className={cell}>
        <div className="truncate font-mono text-xs" title={row.image}>
          {row.image}
        </div>
        <div className="truncate font-mono text-[11px] text-muted" title={row.command}>
          {row.command}
        </div>
      </td>
      <td className={cell}>
        <ContainerStateBadge state={row.state} />
        {row.stale ? (
          <div
            className="truncate text-[11px] text-warn"
            title="The host cannot be reached: this is what it last reported"
          >
            last updated <Ago iso={row.updatedAt} />
          </div>
        ) : (
          <div className="truncate text-[11px] text-muted" title={row.status}>
            {row.status}
          </div>
        )}
      </td>
      <td className={`${cell} font-mono text-xs`}>
        <div className="truncate" title={ports.join(', ')}>
          {ports.length > 0 ? ports.join(', ') : <span className="text-muted">—</span>}
        </div>
      </td>
      <td className={`${cell} text-xs`}>
        <Ago iso={row.createdAt} />
      </td>
    </tr>
  );
});

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

function PlaceholderRow({ index, columns }: { index: number; columns: number }) {
  return (
    <tr aria-rowindex={index + 2} className="h-[52px]">
      <td colSpan={columns} className="border-b border-border px-3">
        <div aria-hidden className="h-3 w-2/3 animate-pulse rounded bg-surface-2" />
      </td>
    </tr>
  );
}
