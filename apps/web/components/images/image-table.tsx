'use client';

import type { TImageSort, TImageSummary } from '@berth/shared';
import Link from 'next/link';
import { type HTMLAttributes, useMemo } from 'react';
import { shortId } from '@/lib/container-format';
import { formatBytes, formatRelativeTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { ResourceTable, type Column } from '../ui/resource-table';
import { ImageUpdateBadge } from '../updates/update-badge';

const ROW_HEIGHT = 52;
const PREFETCH_ROWS = 60;

/** Which row the detail shows: an image on one host. */
export function imageRowKey(row: Pick<TImageSummary, 'hostId' | 'id'>): string {
  return `${row.hostId}/${row.id}`;
}

/** The first tag, or `<none>` for an image that has none. */
export function imageName(row: Pick<TImageSummary, 'repoTags'>): string {
  return row.repoTags[0] ?? '<none>';
}

function Ago({ iso }: { iso: string }) {
  const now = useNow();
  return <span title={iso}>{formatRelativeTime(iso, now)}</span>;
}

type ImageColumn = Column<TImageSummary, TImageSort>;

const COLUMNS: readonly ImageColumn[] = [
  {
    id: 'tag',
    header: 'Image',
    sortKey: 'tag',
    width: 'w-[34%]',
    cell: (row) => (
      <>
        <div className="flex items-center gap-2">
          <span
            className="truncate font-mono text-xs font-medium text-fg"
            title={row.repoTags.join('\n')}
          >
            {imageName(row)}
          </span>
          {row.repoTags.length > 1 ? (
            <span className="shrink-0 text-[11px] text-muted">+{row.repoTags.length - 1}</span>
          ) : null}
          {row.dangling ? (
            <span className="shrink-0 rounded-full bg-warn/10 px-2 py-0.5 text-[11px] font-medium text-warn ring-1 ring-warn/30 ring-inset">
              dangling
            </span>
          ) : null}
          <ImageUpdateBadge hostId={row.hostId} id={row.id} />
        </div>
        <div className="truncate font-mono text-[11px] text-muted">
          {shortId(row.id.replace(/^sha256:/, ''))}
        </div>
      </>
    ),
  },
  {
    id: 'host',
    header: 'Host',
    sortKey: 'host',
    width: 'w-[14%]',
    className: 'truncate',
    title: (row) => row.hostName,
    cell: (row) => (
      <>
        <div className="truncate">{row.hostName}</div>
        {row.stale ? (
          <div
            className="truncate text-[11px] text-warn"
            title="The host cannot be reached: this is what it last reported"
          >
            last known
          </div>
        ) : null}
      </>
    ),
  },
  {
    id: 'containers',
    header: 'Used by',
    sortKey: 'containers',
    width: 'w-[14%]',
    cell: (row) =>
      row.containers === 0 ? (
        <span className="text-muted">unused</span>
      ) : (
        <Link
          href={`/containers?hostId=${encodeURIComponent(row.hostId)}&q=${encodeURIComponent(row.repoTags[0] ?? '')}`}
          className="text-fg hover:text-accent hover:underline"
          onClick={(event) => event.stopPropagation()}
        >
          {row.containers} container{row.containers === 1 ? '' : 's'}
        </Link>
      ),
  },
  {
    id: 'size',
    header: 'Size',
    sortKey: 'size',
    width: 'w-[12%]',
    className: 'tabular-nums',
    cell: (row) => formatBytes(row.size),
  },
  {
    id: 'created',
    header: 'Created',
    sortKey: 'created',
    width: 'w-[14%]',
    className: 'text-muted',
    cell: (row) => <Ago iso={row.createdAt} />,
  },
];

interface ImageTableProps {
  rows: readonly TImageSummary[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  sort: TImageSort;
  order: 'asc' | 'desc';
  onSort: (sort: TImageSort) => void;
  selected: string | null;
  onSelect: (row: TImageSummary) => void;
}

export function ImageTable({
  rows,
  total,
  hasMore,
  loadingMore,
  onLoadMore,
  sort,
  order,
  onSort,
  selected,
  onSelect,
}: ImageTableProps) {
  const rowProps = useMemo(
    () =>
      (row: TImageSummary): HTMLAttributes<HTMLTableRowElement> => ({
        'aria-selected': selected === imageRowKey(row),
        tabIndex: 0,
        className: `cursor-pointer hover:bg-surface-2/60 ${selected === imageRowKey(row) ? 'bg-accent/10' : ''}`,
        onClick: () => onSelect(row),
        onKeyDown: (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            onSelect(row);
          }
        },
      }),
    [selected, onSelect],
  );
  return (
    <ResourceTable
      label="Images"
      columns={COLUMNS}
      rows={rows}
      rowKey={imageRowKey}
      rowHeight={ROW_HEIGHT}
      total={total}
      hasMore={hasMore}
      loadingMore={loadingMore}
      onLoadMore={onLoadMore}
      prefetchRows={PREFETCH_ROWS}
      sort={{ key: sort, order, onSort }}
      rowProps={rowProps}
      scrollClassName="max-h-[calc(100vh-16rem)] min-h-64"
      tableClassName="min-w-[48rem]"
      testId="image-table"
    />
  );
}
