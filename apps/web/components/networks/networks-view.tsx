'use client';

import type { TNetworkSummary } from '@berth/shared';
import { Network } from 'lucide-react';
import Link from 'next/link';
import { formatDateTime } from '@/lib/format';
import { usePruneNetworks, useNetworkList } from '@/lib/network-queries';
import { InventoryListView } from '../ui/inventory-list-view';
import type { Column } from '../ui/resource-table';
import { NetworkForm } from './network-form';

const COLUMNS: readonly Column<TNetworkSummary>[] = [
  {
    id: 'name',
    header: 'Name',
    className: 'truncate',
    title: (n) => n.name,
    cell: (n) => (
      <>
        <Link
          href={`/networks/${n.hostId}/${n.id}`}
          className="font-medium text-fg hover:underline"
        >
          {n.name}
        </Link>
        {n.builtIn ? <span className="ml-2 text-xs text-muted">built in</span> : null}
        {n.stale ? <span className="ml-2 text-xs text-warn">stale</span> : null}
      </>
    ),
  },
  {
    id: 'driver',
    header: 'Driver',
    width: 'w-28',
    className: 'text-xs',
    cell: (n) => n.driver,
  },
  { id: 'scope', header: 'Scope', width: 'w-24', className: 'text-xs', cell: (n) => n.scope },
  {
    id: 'host',
    header: 'Host',
    width: 'w-36',
    className: 'truncate text-xs',
    cell: (n) => n.hostName,
  },
  {
    id: 'containers',
    header: 'Used by',
    width: 'w-32',
    className: 'text-xs',
    cell: (n) =>
      n.containers === 0 ? (
        <span className="text-muted">no container</span>
      ) : (
        `${n.containers} container${n.containers === 1 ? '' : 's'}`
      ),
  },
  {
    id: 'created',
    header: 'Created',
    width: 'w-44',
    className: 'text-xs text-muted',
    cell: (n) => (n.createdAt ? formatDateTime(n.createdAt) : '—'),
  },
];

/** Networks of every host the user may list them on, from Berth's inventory. */
export function NetworksView({ initialHostId }: { initialHostId: string }) {
  return (
    <InventoryListView
      initialHostId={initialHostId}
      what="network"
      title="Networks"
      description="Networks of every host you may see, with the containers using them."
      icon={Network}
      permissions={{ list: 'network.list', create: 'network.create', delete: 'network.delete' }}
      useRows={useNetworkList}
      usePrune={usePruneNetworks}
      columns={COLUMNS}
      rowKey={(n) => `${n.hostId}/${n.id}`}
      form={(hostId, onDone) => <NetworkForm hostId={hostId} onDone={onDone} />}
      pruneText="Every network on this host that no container uses is removed (only your own with an owner-limited grant). The built-in networks stay."
    />
  );
}
