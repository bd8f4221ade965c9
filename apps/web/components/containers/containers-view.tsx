'use client';

import { BULK_ACTIONS, CONTAINER_ACTION_PERMISSIONS, type TContainerSort } from '@berth/shared';
import { Activity, Container, Plus } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { hostsWith, useCapabilities } from '@/lib/capabilities';
import { filtersSearch, type ContainerListFilters } from '@/lib/container-list-filters';
import { useLiveContainerList } from '@/lib/container-list-live';
import { useFleetSummary } from '@/lib/container-queries';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { BulkActionBar } from './bulk-action-bar';
import { ContainerListToolbar } from './container-list-toolbar';
import { ContainerTable } from './container-table';
import { LiveStatusNote } from './live-status-note';
import { useRowSelection } from './use-row-selection';

const SEARCH_DEBOUNCE_MS = 250;

export function ContainersView({ initialFilters }: { initialFilters: ContainerListFilters }) {
  const [filters, setFilters] = useState(initialFilters);
  const [search, setSearch] = useState(initialFilters.q);
  const pathname = usePathname();
  const { list, rows, total, live } = useLiveContainerList(filters);
  const hosts = useFleetSummary().data?.perHost ?? [];
  const selection = useRowSelection();
  const capabilities = useCapabilities().data;
  const canCreate = hostsWith(capabilities, 'container.create').length > 0;
  const selectable = BULK_ACTIONS.some(
    (action) => hostsWith(capabilities, CONTAINER_ACTION_PERMISSIONS[action]).length > 0,
  );

  // Typing waits for a pause before it asks the server; leaving the box applies it at once.
  const applySearch = useCallback(
    () => setFilters((current) => (current.q === search ? current : { ...current, q: search })),
    [search],
  );
  useEffect(() => {
    const timer = setTimeout(applySearch, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [applySearch]);

  // The URL follows the filters (without a navigation), so a reload or a shared link keeps them.
  // A late search must not rewrite the URL once a row click has taken the browser elsewhere: that
  // would cancel the navigation. Applying the search on blur (before the click) avoids the race.
  useEffect(() => {
    if (window.location.pathname !== pathname) return;
    window.history.replaceState(null, '', `${pathname}${filtersSearch(filters)}`);
  }, [filters, pathname]);

  const change = (patch: Partial<ContainerListFilters>) =>
    setFilters((current) => ({ ...current, ...patch }));
  const onSort = (sort: TContainerSort) =>
    change(
      filters.sort === sort
        ? { order: filters.order === 'asc' ? 'desc' : 'asc' }
        : { sort, order: 'asc' },
    );

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const filtered = filters.hostId !== '' || filters.state !== '' || filters.q.trim() !== '';

  return (
    <>
      <PageHeader
        title="Containers"
        description={
          list.data
            ? `${total.toLocaleString()} container${total === 1 ? '' : 's'}${filtered ? ' match' : ''} on ${hosts.length} host${hosts.length === 1 ? '' : 's'}.`
            : 'Every container on the hosts you may see.'
        }
        actions={
          <>
            <Link href="/containers/events" className={buttonClassName('secondary')}>
              <Activity aria-hidden />
              Events
            </Link>
            {canCreate ? (
              <Link href="/containers/new" className={buttonClassName('primary')}>
                <Plus aria-hidden />
                New container
              </Link>
            ) : null}
          </>
        }
      />
      <div className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <ContainerListToolbar
            filters={filters}
            search={search}
            onSearch={setSearch}
            onSearchDone={applySearch}
            onChange={change}
            hosts={hosts}
          />
          <LiveStatusNote status={live} label="Updates" />
        </div>
        <BulkActionBar
          selected={selection.selected}
          onClear={selection.clear}
          onSucceeded={selection.remove}
        />
        {list.isPending ? (
          <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading containers">
            {Array.from({ length: 6 }, (_, index) => (
              <Skeleton key={index} className="h-12" />
            ))}
          </div>
        ) : list.isError && !list.data ? (
          <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          filtered ? (
            <EmptyState icon={Container} title="No container matches">
              Nothing matches these filters. Change the search, host or state.
            </EmptyState>
          ) : (
            <EmptyState icon={Container} title="No containers yet">
              <p className={canCreate ? 'mb-3' : undefined}>
                The hosts you may see have no containers.
              </p>
              {canCreate ? (
                <Link href="/containers/new" className={buttonClassName('primary')}>
                  Create a container
                </Link>
              ) : null}
            </EmptyState>
          )
        ) : (
          <Panel flush>
            {list.isError ? (
              <div className="p-2">
                <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
              </div>
            ) : null}
            <ContainerTable
              rows={rows}
              total={total}
              hasMore={hasNextPage}
              loadingMore={isFetchingNextPage}
              onLoadMore={loadMore}
              sort={filters.sort}
              order={filters.order}
              onSort={onSort}
              selectable={selectable}
              selected={selection.selected}
              onToggle={(index, range) => selection.toggle(rows, index, range)}
              onToggleAll={(on) => selection.setAll(rows, on)}
            />
            <p className="border-t border-border px-3 py-1.5 text-xs text-muted">
              {rows.length.toLocaleString()} of {total.toLocaleString()} loaded
              {isFetchingNextPage ? ' · loading more…' : ''}
              {list.isPlaceholderData ? ' · updating…' : ''}
              {selectable ? ' · Shift-click selects a range' : ''}
            </p>
          </Panel>
        )}
      </div>
    </>
  );
}
