'use client';

import type { TImageSort, TImageSummary } from '@berth/shared';
import { Download, Eraser, Hammer, Layers, Upload } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { hostsWith, useCanShared, useCanSharedAnywhere, useCapabilities } from '@/lib/capabilities';
import { useFleetSummary } from '@/lib/container-queries';
import {
  DEFAULT_IMAGE_FILTERS,
  type ImageListFilters,
  useLiveImageList,
} from '@/lib/image-queries';
import { LiveStatusNote } from '../containers/live-status-note';
import { Button } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { HostFilter, SearchBox, toolbarSelectClassName } from '../ui/list-filters';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { BuildDialog } from './build-dialog';
import { ImageDetail } from './image-detail';
import { PruneDialog } from './image-dialogs';
import { ImageTable, imageRowKey } from './image-table';
import { LoadDialog } from './load-dialog';
import { PullDialog } from './pull-dialog';

const SEARCH_DEBOUNCE_MS = 250;

/** Every image on the hosts the user may list images on, with pull, tag, remove and prune. */
export function ImagesView({ initialHostId }: { initialHostId: string }) {
  const [filters, setFilters] = useState<ImageListFilters>({
    ...DEFAULT_IMAGE_FILTERS,
    hostId: initialHostId,
  });
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<TImageSummary | null>(null);
  const [dialog, setDialog] = useState<'pull' | 'prune' | 'build' | 'load' | null>(null);
  const { list, rows, total, live } = useLiveImageList(filters);
  const hosts = useFleetSummary().data?.perHost ?? [];
  const capabilities = useCapabilities().data;
  const pullHosts = hostsWith(capabilities, 'image.pull').flatMap((hostId) => {
    const host = hosts.find((h) => h.hostId === hostId);
    return host ? [{ hostId, name: host.name }] : [];
  });
  // Images belong to everyone on a host: changing them needs a grant over every object.
  const canLoad = useCanSharedAnywhere('image.pull');
  const canPrune = useCanShared(filters.hostId, 'image.delete');
  const canBuild = useCanSharedAnywhere('image.build');
  const pruneHost = hosts.find((h) => h.hostId === filters.hostId);

  const applySearch = useCallback(
    () => setFilters((current) => (current.q === search ? current : { ...current, q: search })),
    [search],
  );
  useEffect(() => {
    const timer = setTimeout(applySearch, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [applySearch]);

  const change = (patch: Partial<ImageListFilters>) =>
    setFilters((current) => ({ ...current, ...patch }));
  const onSort = (sort: TImageSort) =>
    change(
      filters.sort === sort
        ? { order: filters.order === 'asc' ? 'desc' : 'asc' }
        : { sort, order: sort === 'size' || sort === 'created' ? 'desc' : 'asc' },
    );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const onSelect = useCallback((row: TImageSummary) => setSelected(row), []);
  const filtered = filters.hostId !== '' || filters.dangling !== '' || filters.q.trim() !== '';

  return (
    <>
      <PageHeader
        title="Images"
        description={
          list.data
            ? `${total.toLocaleString()} image${total === 1 ? '' : 's'}${filtered ? ' match' : ''} on ${hosts.length} host${hosts.length === 1 ? '' : 's'}.`
            : 'Every image on the hosts you may see.'
        }
        actions={
          <>
            {canPrune && pruneHost ? (
              <Button onClick={() => setDialog('prune')}>
                <Eraser aria-hidden />
                Prune…
              </Button>
            ) : null}
            {canBuild ? (
              <Button onClick={() => setDialog('build')}>
                <Hammer aria-hidden />
                Build…
              </Button>
            ) : null}
            {canLoad ? (
              <Button onClick={() => setDialog('load')}>
                <Upload aria-hidden />
                Load…
              </Button>
            ) : null}
            {pullHosts.length > 0 ? (
              <Button variant="primary" onClick={() => setDialog('pull')}>
                <Download aria-hidden />
                Pull image
              </Button>
            ) : null}
          </>
        }
      />
      <div className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div className="flex flex-1 flex-wrap items-center gap-2">
            <SearchBox
              label="Search images by tag, digest, id or label"
              placeholder="Tag, digest, id or label…"
              value={search}
              onChange={setSearch}
              onDone={applySearch}
            />
            <HostFilter
              value={filters.hostId}
              onChange={(hostId) => change({ hostId })}
              hosts={hosts}
            />
            <select
              aria-label="Tagged or dangling"
              value={filters.dangling}
              onChange={(event) =>
                change({ dangling: event.target.value as ImageListFilters['dangling'] })
              }
              className={toolbarSelectClassName}
            >
              <option value="">Tagged and dangling</option>
              <option value="false">Tagged only</option>
              <option value="true">Dangling only</option>
            </select>
          </div>
          <LiveStatusNote status={live} label="Updates" />
        </div>
        {list.isPending ? (
          <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading images">
            {Array.from({ length: 6 }, (_, index) => (
              <Skeleton key={index} className="h-12" />
            ))}
          </div>
        ) : list.isError && !list.data ? (
          <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState icon={Layers} title={filtered ? 'No image matches' : 'No images yet'}>
            {filtered
              ? 'Nothing matches these filters. Change the search, host or kind.'
              : 'The hosts you may see have no images. Pull one to start.'}
          </EmptyState>
        ) : (
          <Panel flush>
            {list.isError ? (
              <div className="p-2">
                <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
              </div>
            ) : null}
            <ImageTable
              rows={rows}
              total={total}
              hasMore={hasNextPage}
              loadingMore={isFetchingNextPage}
              onLoadMore={loadMore}
              sort={filters.sort}
              order={filters.order}
              onSort={onSort}
              selected={selected ? imageRowKey(selected) : null}
              onSelect={onSelect}
            />
          </Panel>
        )}
        {selected ? (
          <ImageDetail
            key={imageRowKey(selected)}
            image={selected}
            onClose={() => setSelected(null)}
          />
        ) : null}
      </div>
      <PullDialog open={dialog === 'pull'} hosts={pullHosts} onClose={() => setDialog(null)} />
      <BuildDialog open={dialog === 'build'} onClose={() => setDialog(null)} />
      <LoadDialog open={dialog === 'load'} onClose={() => setDialog(null)} />
      {pruneHost ? (
        <PruneDialog
          open={dialog === 'prune'}
          hostId={pruneHost.hostId}
          hostName={pruneHost.name}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}
