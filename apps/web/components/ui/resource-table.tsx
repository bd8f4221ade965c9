'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import {
  Fragment,
  memo,
  useEffect,
  useMemo,
  useRef,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { useElementWidth } from '@/lib/use-element-width';

/** One column: its header, how a row's cell renders, its width and, when sortable, its sort key. */
export interface Column<Row, SortKey extends string = never> {
  id: string;
  header: ReactNode;
  cell: (row: Row, index: number) => ReactNode;
  /** Classes of the column's `<col>` (a width such as `w-44` or `w-[26%]`). */
  width?: string;
  /** Classes of each cell, added to the table's own. */
  className?: string;
  /** The tooltip of each cell (a value cut short by `truncate`). */
  title?: (row: Row) => string | undefined;
  /** The column sorts the list by this key when its header is pressed. */
  sortKey?: SortKey;
  /**
   * Shown only while the table has at least this many CSS pixels: on a narrow screen the table
   * keeps the columns that matter instead of scrolling sideways to reach them.
   */
  minWidth?: number;
  /**
   * Where the cell goes while the table is too narrow for the column (`minWidth`): over the right
   * end of this other column's cell, shown while the row is hovered or holds the focus, so it
   * takes no width of its own (a row's quick actions on a phone).
   */
  foldInto?: string;
}

export interface TableSort<SortKey extends string> {
  key: SortKey;
  order: 'asc' | 'desc';
  onSort: (key: SortKey) => void;
}

interface ResourceTableProps<Row, SortKey extends string> {
  /** The table's accessible name. */
  label: string;
  /** Stable (memoised) columns: rows re-render only when their row or the columns change. */
  columns: readonly Column<Row, SortKey>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowHeight: number;
  /** Rows on the server, loaded or not: the rest show as placeholders until they load. */
  total?: number;
  hasMore?: boolean;
  loadingMore?: boolean;
  /** Asked for when the rows in view come within `prefetchRows` of the last loaded one. */
  onLoadMore?: () => void;
  prefetchRows?: number;
  sort?: TableSort<SortKey>;
  /** Extra attributes of a row (`aria-selected`, `data-stale`, click handlers, classes). */
  rowProps?: (row: Row) => HTMLAttributes<HTMLTableRowElement>;
  /** Classes of the scrolling box (its height) and of the table (its minimum width). */
  scrollClassName: string;
  tableClassName: string;
  testId?: string;
}

const HEAD =
  'sticky top-0 z-[1] h-9 border-b border-border bg-surface-2 px-3 text-xs font-medium whitespace-nowrap text-muted';
const CELL = 'border-b border-border px-3 align-middle overflow-hidden';

/**
 * A list of resources as one table whose rows are rendered only while near the viewport, so tens
 * of thousands of rows scroll like a hundred; pages load as the end comes near. Every list page
 * (containers, audit, …) is this table with its own columns.
 */
export function ResourceTable<Row, SortKey extends string = never>({
  label,
  columns: allColumns,
  rows,
  rowKey,
  rowHeight,
  total,
  hasMore = false,
  loadingMore = false,
  onLoadMore,
  prefetchRows = 30,
  sort,
  rowProps,
  scrollClassName,
  tableClassName,
  testId,
}: ResourceTableProps<Row, SortKey>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = useColumnsThatFit(allColumns, useElementWidth(scrollRef));
  const count = hasMore && total !== undefined ? Math.max(total, rows.length + 1) : rows.length;
  // The app does not run the React Compiler, whose memoisation this hook's API would defeat.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (onLoadMore && hasMore && !loadingMore && lastIndex >= rows.length - prefetchRows) {
      onLoadMore();
    }
  }, [hasMore, loadingMore, lastIndex, rows.length, prefetchRows, onLoadMore]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <div
      ref={scrollRef}
      data-testid={testId}
      className={`relative overflow-auto ${scrollClassName}`}
    >
      <table
        aria-label={label}
        aria-rowcount={count + 1}
        className={`w-full table-fixed border-separate border-spacing-0 text-left text-sm ${tableClassName}`}
      >
        <colgroup>
          {columns.map((column) => (
            <col key={column.id} className={column.width} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) =>
              column.sortKey !== undefined && sort ? (
                <SortHeader key={column.id} column={column} sortKey={column.sortKey} sort={sort} />
              ) : (
                <th key={column.id} scope="col" className={HEAD}>
                  {column.header}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden style={{ height: paddingTop }}>
              <td colSpan={columns.length} className="p-0" />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            return row === undefined ? (
              <PlaceholderRow
                key={`placeholder-${item.index}`}
                index={item.index}
                columns={columns.length}
                height={rowHeight}
              />
            ) : (
              <ResourceRow
                key={rowKey(row)}
                row={row}
                index={item.index}
                columns={columns}
                height={rowHeight}
                extra={rowProps?.(row)}
              />
            );
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden style={{ height: paddingBottom }}>
              <td colSpan={columns.length} className="p-0" />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The columns the table's width has room for (all of them until it is measured), each with the
 * cells of the columns folded into it (`foldInto`) that have no room of their own.
 */
function useColumnsThatFit<Row, SortKey extends string>(
  columns: readonly Column<Row, SortKey>[],
  width: number | null,
): readonly Column<Row, SortKey>[] {
  // Keyed by which columns fit, so rows re-render when that changes, not at every pixel.
  const fit = columns.map((column) => width === null || (column.minWidth ?? 0) <= width).join();
  return useMemo(() => {
    const fits = fit.split(',').map((flag) => flag === 'true');
    const folded = columns.filter((column, index) => !fits[index] && column.foldInto);
    return columns
      .filter((_, index) => fits[index])
      .map((column) => {
        const inside = folded.filter((other) => other.foldInto === column.id);
        if (inside.length === 0) return column;
        return {
          ...column,
          cell: (row: Row, index: number) => (
            <div className="relative">
              {column.cell(row, index)}
              <div className="invisible absolute inset-y-0 right-0 flex items-center rounded-md bg-surface pl-1 shadow-sm group-focus-within/row:visible group-hover/row:visible">
                {inside.map((other) => (
                  <Fragment key={other.id}>{other.cell(row, index)}</Fragment>
                ))}
              </div>
            </div>
          ),
        };
      });
  }, [columns, fit]);
}

function SortHeader<Row, SortKey extends string>({
  column,
  sortKey,
  sort,
}: {
  column: Column<Row, SortKey>;
  sortKey: SortKey;
  sort: TableSort<SortKey>;
}) {
  const active = sort.key === sortKey;
  const Arrow = sort.order === 'asc' ? ArrowUp : ArrowDown;
  const text = typeof column.header === 'string' ? column.header.toLowerCase() : column.id;
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}
      className={`${HEAD} px-1.5`}
    >
      <button
        type="button"
        onClick={() => sort.onSort(sortKey)}
        title={`Sort by ${text}`}
        className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-surface hover:text-fg ${active ? 'text-fg' : ''}`}
      >
        {column.header}
        {active ? <Arrow aria-hidden className="size-3" /> : null}
      </button>
    </th>
  );
}

interface ResourceRowProps<Row> {
  row: Row;
  index: number;
  columns: readonly Column<Row, string>[];
  height: number;
  extra: HTMLAttributes<HTMLTableRowElement> | undefined;
}

/** Rows re-render only when their own data changes, not on every scroll frame of the table. */
const ResourceRow = memo(
  function ResourceRow<Row>({ row, index, columns, height, extra }: ResourceRowProps<Row>) {
    const { className = 'hover:bg-surface-2/50', ...attributes } = extra ?? {};
    return (
      <tr
        aria-rowindex={index + 2}
        style={{ height }}
        className={`group/row ${className}`}
        {...attributes}
      >
        {columns.map((column) => (
          <td
            key={column.id}
            className={`${CELL} ${column.className ?? ''}`}
            title={column.title?.(row)}
          >
            {column.cell(row, index)}
          </td>
        ))}
      </tr>
    );
  },
  // A new `extra` object each render is equal when its entries are.
  (before, after) =>
    before.row === after.row &&
    before.index === after.index &&
    before.columns === after.columns &&
    before.height === after.height &&
    shallowEqual(before.extra, after.extra),
) as <Row>(props: ResourceRowProps<Row>) => ReactNode;

function shallowEqual(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a) as (keyof typeof a)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function PlaceholderRow({
  index,
  columns,
  height,
}: {
  index: number;
  columns: number;
  height: number;
}) {
  return (
    <tr aria-rowindex={index + 2} style={{ height }}>
      <td colSpan={columns} className="border-b border-border px-3">
        <div aria-hidden className="h-3 w-2/3 animate-pulse rounded bg-surface-2" />
      </td>
    </tr>
  );
}
