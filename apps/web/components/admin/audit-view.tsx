'use client';

import type { TAuditEvent, TAuditFilter } from '@berth/shared';
import { Download, ScrollText } from 'lucide-react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';
import { auditExportPath, auditFilterFromSearchParams, auditSearchParams } from '@/lib/admin-audit';
import { useAuditLog } from '@/lib/admin-queries';
import { useHosts } from '@/lib/queries';
import { Button, buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { Panel } from '../ui/panel';
import { AdminError } from './admin-error';
import { AuditEventDrawer } from './audit-event-drawer';
import { AuditFilterForm } from './audit-filter-form';
import { AuditTable } from './audit-table';
import { LoadingBlock } from './loading-block';
import { VerifyChain } from './verify-chain';

/** The audit log: filters in the URL (so a view can be linked), newest records first. */
export function AuditView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filter = auditFilterFromSearchParams(searchParams);
  const filterKey = auditSearchParams(filter).toString();
  const log = useAuditLog(filter);
  const hosts = useHosts();
  const [open, setOpen] = useState<TAuditEvent | null>(null);

  const hostName = useCallback(
    (id: string) => hosts.data?.find((host) => host.id === id)?.name,
    [hosts.data],
  );
  const events = log.data?.pages.flatMap((page) => page.items) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = log;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  function apply(next: TAuditFilter) {
    const query = auditSearchParams(next).toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  return (
    <div className="flex flex-col gap-5">
      <Panel>
        {/* Remounted when the URL changes (Back, a link), so the fields show the applied filter. */}
        <AuditFilterForm key={filterKey} filter={filter} hosts={hosts.data ?? []} onApply={apply} />
      </Panel>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <VerifyChain />
        <div className="flex flex-wrap gap-2">
          {/* Plain links: the browser downloads the stream with the session cookie. */}
          <a href={auditExportPath(filter, 'csv')} download className={buttonClassName()}>
            <Download aria-hidden />
            Export CSV
          </a>
          <a href={auditExportPath(filter, 'jsonl')} download className={buttonClassName()}>
            <Download aria-hidden />
            Export JSONL
          </a>
        </div>
      </div>
      <Panel
        flush
        title={
          log.data
            ? `${events.length}${hasNextPage ? '+' : ''} record${events.length === 1 ? '' : 's'}${filterKey ? ' matching the filters' : ''}`
            : 'Records'
        }
      >
        {log.isPending ? (
          <div className="p-4">
            <LoadingBlock label="Loading the audit log" rows={8} />
          </div>
        ) : log.isError ? (
          <div className="p-4">
            <AdminError error={log.error} onRetry={() => void log.refetch()} />
          </div>
        ) : events.length === 0 ? (
          <div className="p-4">
            <EmptyState icon={ScrollText} title="No records">
              {filterKey ? 'Nothing matches these filters.' : 'Nothing has been recorded yet.'}
            </EmptyState>
          </div>
        ) : (
          <>
            <AuditTable
              events={events}
              hostName={hostName}
              hasMore={hasNextPage}
              loadingMore={isFetchingNextPage}
              onLoadMore={loadMore}
              onOpen={setOpen}
            />
            <div className="flex items-center justify-between gap-3 border-t border-border px-4 py-2 text-xs text-muted">
              <span>
                {hasNextPage
                  ? 'Older records load as you scroll.'
                  : events.length === 1
                    ? 'The only matching record.'
                    : `All ${events.length} matching records shown.`}
              </span>
              {hasNextPage ? (
                <Button size="sm" onClick={loadMore} disabled={isFetchingNextPage}>
                  {isFetchingNextPage ? 'Loading…' : 'Load more'}
                </Button>
              ) : null}
            </div>
          </>
        )}
      </Panel>
      <AuditEventDrawer event={open} hostName={hostName} onClose={() => setOpen(null)} />
    </div>
  );
}
