'use client';

import type { TDiskUsage } from '@berth/shared';
import { useState } from 'react';
import { useCanShared } from '@/lib/capabilities';
import { formatBytes } from '@/lib/format';
import { useDiskUsage, useHostStorage } from '@/lib/plugin-queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { FactList } from './fact-list';
import { HostPruneDialog } from './host-prune-dialog';

const KINDS: readonly { key: keyof TDiskUsage; label: string }[] = [
  { key: 'images', label: 'Images' },
  { key: 'containers', label: 'Containers' },
  { key: 'volumes', label: 'Volumes' },
  { key: 'buildCache', label: 'Build cache' },
];

function DiskUsageTable({ usage }: { usage: TDiskUsage }) {
  return (
    <table className="w-full text-sm" aria-label="Disk usage">
      <thead>
        <tr className="text-left text-xs text-muted">
          <th className="py-1 font-medium">Kind</th>
          <th className="py-1 text-right font-medium">Total</th>
          <th className="py-1 text-right font-medium">In use</th>
          <th className="py-1 text-right font-medium">Size</th>
          <th className="py-1 text-right font-medium">Reclaimable</th>
        </tr>
      </thead>
      <tbody>
        {KINDS.map(({ key, label }) => {
          const row = usage[key];
          const share = row.size > 0 ? Math.round((row.reclaimable / row.size) * 100) : 0;
          return (
            <tr key={key} className="border-t border-border">
              <td className="py-1.5">{label}</td>
              <td className="py-1.5 text-right tabular-nums">{row.count}</td>
              <td className="py-1.5 text-right tabular-nums">{row.active}</td>
              <td className="py-1.5 text-right tabular-nums">{formatBytes(row.size)}</td>
              <td className="py-1.5 text-right tabular-nums">
                {formatBytes(row.reclaimable)} <span className="text-muted">({share} %)</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The host's storage driver with its status, its data root, disk usage and the prune dialog. */
export function HostStoragePanel({ hostId }: { hostId: string }) {
  const storage = useHostStorage(hostId);
  const usage = useDiskUsage(hostId);
  const canPrune = useCanShared(hostId, 'system.prune');
  const [pruning, setPruning] = useState(false);
  return (
    <Panel
      title="Storage"
      actions={
        canPrune ? (
          <Button size="sm" variant="danger" onClick={() => setPruning(true)}>
            Prune…
          </Button>
        ) : null
      }
    >
      <div className="grid gap-6 lg:grid-cols-2">
        {storage.error ? (
          <ErrorNotice error={storage.error} />
        ) : storage.data ? (
          <FactList
            facts={[
              { label: 'Storage driver', value: storage.data.driver, mono: true },
              { label: 'Data root', value: storage.data.dataRoot, mono: true },
              ...storage.data.driverStatus.map((s) => ({
                label: s.name,
                value: s.value,
                mono: true,
              })),
            ]}
          />
        ) : (
          <Skeleton className="h-32" />
        )}
        {usage.error ? (
          <ErrorNotice error={usage.error} />
        ) : usage.data ? (
          <DiskUsageTable usage={usage.data} />
        ) : (
          <Skeleton className="h-32" />
        )}
      </div>
      {pruning ? <HostPruneDialog hostId={hostId} onClose={() => setPruning(false)} /> : null}
    </Panel>
  );
}
