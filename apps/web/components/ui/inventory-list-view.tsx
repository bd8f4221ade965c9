'use client';

import type { Permission, TPruneResponse } from '@berth/shared';
import type { UseMutationResult } from '@tanstack/react-query';
import { Plus, type LucideIcon } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useCan, useCanAnywhere } from '@/lib/capabilities';
import { formatBytes } from '@/lib/format';
import type { useLiveInventoryList } from '@/lib/use-live-inventory-list';
import { Button } from './button';
import { ConfirmDialog } from './confirm-dialog';
import { EmptyState } from './empty-state';
import { ErrorNotice } from './error-notice';
import { PageHeader } from './page-header';
import { Panel } from './panel';
import { LiveStatusNote } from '../containers/live-status-note';
import { ResourceListToolbar } from './resource-list-toolbar';
import { ResourceTable, type Column } from './resource-table';
import { Skeleton } from './skeleton';

const ROW_HEIGHT = 52;

interface InventoryListViewProps<Row> {
  /** The host the list opens filtered to (`?host=`), or ''. */
  initialHostId: string;
  /** `network`, `volume`: names the page, its buttons and the prune dialog. */
  what: string;
  title: string;
  description: string;
  icon: LucideIcon;
  permissions: { list: Permission; create: Permission; delete: Permission };
  /** The list hook for a host filter and a search (a stable, module-level hook). */
  useRows: (query: { hostId?: string; q?: string }) => ReturnType<typeof useLiveInventoryList<Row>>;
  usePrune: () => UseMutationResult<TPruneResponse, Error, string>;
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  /** The create form, with the host the list is filtered on preselected. */
  form: (hostId: string, onDone: () => void) => ReactNode;
  /** What the prune dialog warns of. */
  pruneText: string;
}

/**
 * An inventory list page (networks, volumes): filters by host and name, the fleet-wide list on
 * `ResourceTable` kept current by engine events, a create form and a prune of one host, each shown only to who may use it.
 */
export function InventoryListView<Row>({
  initialHostId,
  what,
  title,
  description,
  icon,
  permissions,
  useRows,
  usePrune,
  columns,
  rowKey,
  form,
  pruneText,
}: InventoryListViewProps<Row>) {
  const [hostId, setHostId] = useState(initialHostId);
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [pruning, setPruning] = useState(false);
  const [pruned, setPruned] = useState<TPruneResponse | null>(null);
  const { list, rows, total, live } = useRows({
    ...(hostId ? { hostId } : {}),
    ...(q ? { q } : {}),
  });
  const prune = usePrune();
  const mayCreate = useCanAnywhere(permissions.create);
  const mayPrune = useCan(hostId, permissions.delete);
  const count = pruned?.removed.length ?? 0;

  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          mayCreate && !creating ? (
            <Button variant="primary" onClick={() => setCreating(true)}>
              <Plus aria-hidden />
              New {what}
            </Button>
          ) : null
        }
      />
      <div className="flex flex-col gap-5">
        {creating ? form(hostId, () => setCreating(false)) : null}
        <ResourceListToolbar
          listPermission={permissions.list}
          hostId={hostId}
          onHostChange={setHostId}
          q={q}
          onQueryChange={setQ}
          onPrune={mayPrune ? () => setPruning(true) : undefined}
        />
        <LiveStatusNote status={live} label="Updates" />
        {pruned ? (
          <p role="status" className="text-sm text-muted">
            {count === 0
              ? `No unused ${what} to remove.`
              : `Removed ${count} ${what}${count === 1 ? '' : 's'}: ${pruned.removed.join(', ')}`}
            {pruned.spaceReclaimed > 0 ? ` (${formatBytes(pruned.spaceReclaimed)} freed)` : ''}
          </p>
        ) : null}
        {list.isPending ? <Skeleton className="h-32" /> : null}
        {list.isError ? (
          <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        ) : null}
        {list.isSuccess && rows.length === 0 ? (
          <EmptyState icon={icon} title={`No ${what}s`}>
            Nothing matches, or you may not list {what}s on any host.
          </EmptyState>
        ) : null}
        {rows.length > 0 ? (
          <Panel flush>
            <ResourceTable
              label={title}
              columns={columns}
              rows={rows}
              rowKey={rowKey}
              rowHeight={ROW_HEIGHT}
              total={total}
              hasMore={list.hasNextPage}
              loadingMore={list.isFetchingNextPage}
              onLoadMore={() => void list.fetchNextPage()}
              scrollClassName="max-h-[65vh]"
              tableClassName="w-full min-w-[52rem] table-fixed"
              testId={`${what}s-table`}
            />
          </Panel>
        ) : null}
      </div>
      <ConfirmDialog
        open={pruning}
        title={`Prune unused ${what}s?`}
        confirmLabel={`Prune ${what}s`}
        pending={prune.isPending}
        error={prune.error}
        onClose={() => {
          prune.reset();
          setPruning(false);
        }}
        onConfirm={() =>
          prune.mutate(hostId, {
            onSuccess: (result) => {
              setPruned(result);
              setPruning(false);
            },
          })
        }
      >
        {pruneText}
      </ConfirmDialog>
    </>
  );
}
