'use client';

import type { TContainerSummary } from '@berth/shared';
import { Activity, ScrollText, SquareTerminal, type LucideIcon } from 'lucide-react';
import Link from 'next/link';
import { can, useCapabilities } from '@/lib/capabilities';
import { containerHref } from '@/lib/container-format';
import { labelOf, permissionOf, type ContainerTab } from '@/lib/container-tab';

const QUICK_TABS: readonly { tab: ContainerTab; icon: LucideIcon; running: boolean }[] = [
  { tab: 'logs', icon: ScrollText, running: false },
  { tab: 'console', icon: SquareTerminal, running: true },
  { tab: 'stats', icon: Activity, running: true },
];

/**
 * A row's quick icons, as Portainer users expect them: logs, console and stats of the container,
 * each only where the user holds its permission (console and stats only while it runs).
 */
export function ContainerRowActions({ row }: { row: TContainerSummary }) {
  const capabilities = useCapabilities().data;
  const running = row.state === 'running';
  return (
    <div className="flex items-center gap-0.5">
      {QUICK_TABS.filter(
        ({ tab, running: needsRunning }) =>
          can(capabilities, row.hostId, permissionOf(tab)) && (running || !needsRunning),
      ).map(({ tab, icon: Icon }) => (
        <Link
          key={tab}
          href={containerHref(row.hostId, row.id, tab)}
          aria-label={`${labelOf(tab)} of ${row.name}`}
          title={labelOf(tab)}
          className="flex size-7 items-center justify-center rounded-md text-muted hover:bg-surface-2 hover:text-fg"
        >
          <Icon aria-hidden className="size-4" />
        </Link>
      ))}
    </div>
  );
}
