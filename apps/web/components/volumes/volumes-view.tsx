'use client';

import type { TVolumeSummary } from '@berth/shared';
import { HardDrive } from 'lucide-react';
import Link from 'next/link';
import { formatDateTime } from '@/lib/format';
import { usePruneVolumes, useVolumeList } from '@/lib/volume-queries';
import { InventoryListView } from '../ui/inventory-list-view';
import type { Column } from '../ui/resource-table';
import { VolumeForm } from './volume-form';

const COLUMNS: readonly Column<TVolumeSummary>[] = [
  {
    id: 'name',
    header: 'Name',
    className: 'truncate',
    title: (v) => v.name,
    cell: (v) => (
      <>
        <Link
          href={`/volumes/${v.hostId}/${encodeURIComponent(v.name)}`}
          className="font-mono text-[13px] text-fg hover:underline"
        >
          {v.name}
        </Link>
        {v.stale ? <span className="ml-2 text-xs text-warn">stale</span> : null}
      </>
    ),
  },
  {
    id: 'driver',
    header: 'Driver',
    width: 'w-28',
    className: 'text-xs',
    cell: (v) => v.driver,
  },
  {
    id: 'host',
    header: 'Host',
    width: 'w-36',
    className: 'truncate text-xs',
    cell: (v) => v.hostName,
  },
  {
    id: 'containers',
    header: 'Used by',
    width: 'w-32',
    className: 'text-xs',
    cell: (v) =>
      v.containers === 0 ? (
        <span className="text-muted">unused</span>
      ) : (
        `${v.containers} container${v.containers === 1 ? '' : 's'}`
      ),
  },
  {
    id: 'created',
    header: 'Created',
    width: 'w-44',
    className: 'text-xs text-muted',
    cell: (v) => (v.createdAt ? formatDateTime(v.createdAt) : '—'),
  },
];

/** Volumes of every host the user may list them on, from Berth's inventory. */
export function VolumesView({ initialHostId }: { initialHostId: string }) {
  return (
    <InventoryListView
      initialHostId={initialHostId}
      what="volume"
      title="Volumes"
      description="Volumes of every host you may see, with the containers using them."
      icon={HardDrive}
      permissions={{ list: 'volume.list', create: 'volume.create', delete: 'volume.delete' }}
      useRows={useVolumeList}
      usePrune={usePruneVolumes}
      columns={COLUMNS}
      rowKey={(v) => `${v.hostId}/${v.name}`}
      form={(hostId, onDone) => <VolumeForm hostId={hostId} onDone={onDone} />}
      pruneText="Every volume on this host that no container uses is removed with its data (only your own with an owner-limited grant). This cannot be undone."
    />
  );
}
