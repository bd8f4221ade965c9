'use client';

import { Boxes } from 'lucide-react';
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { useSwarmHosts, type SwarmHost } from '@/lib/swarm-queries';
import { EmptyState } from '../ui/empty-state';
import { PageHeader } from '../ui/page-header';
import { SectionTabs } from '../ui/section-tabs';
import { SelectField } from '../ui/select-field';
import { Skeleton } from '../ui/skeleton';

/** The swarm pages: the cluster, its secrets, configs and stacks, each per manager host. */
const SECTIONS = [
  { path: '/swarm', label: 'Cluster' },
  { path: '/swarm/secrets', label: 'Secrets' },
  { path: '/swarm/configs', label: 'Configs' },
  { path: '/swarm/stacks', label: 'Stacks' },
] as const;

interface SwarmSectionProps {
  /** The host asked for (`?host=`); the first manager when it is none of them. */
  hostId: string;
  description: ReactNode;
  actions?: (host: SwarmHost) => ReactNode;
  children: (host: SwarmHost) => ReactNode;
}

/**
 * A swarm page: the manager host it shows (only hosts whose engine is a swarm manager are
 * offered), the section tabs, then the section for that host. The host stays in the URL, so the
 * page and its tabs survive a reload.
 */
export function SwarmSection({ hostId, description, actions, children }: SwarmSectionProps) {
  const router = useRouter();
  const pathname = usePathname();
  const { hosts, notManagers, pending } = useSwarmHosts();
  const host = hosts.find((h) => h.hostId === hostId) ?? hosts[0];
  const withHost = (path: string) =>
    host ? `${path}?host=${encodeURIComponent(host.hostId)}` : path;

  return (
    <>
      <PageHeader
        title="Swarm"
        description={description}
        actions={host && actions ? actions(host) : null}
      />
      <div className="flex flex-col gap-5">
        <div className="flex flex-wrap items-end gap-4">
          {hosts.length > 0 ? (
            <div className="w-64">
              <SelectField
                label="Manager host"
                value={host?.hostId ?? ''}
                onValueChange={(value) =>
                  router.replace(`${pathname}?host=${encodeURIComponent(value)}`)
                }
              >
                {hosts.map((h) => (
                  <option key={h.hostId} value={h.hostId}>
                    {h.name}
                  </option>
                ))}
              </SelectField>
            </div>
          ) : null}
          {notManagers > 0 ? (
            <p className="pb-1.5 text-xs text-muted">
              {notManagers} host{notManagers === 1 ? ' is' : 's are'} not a swarm manager and{' '}
              {notManagers === 1 ? 'is' : 'are'} not shown.
            </p>
          ) : null}
        </div>
        <SectionTabs
          label="Swarm"
          tabs={SECTIONS.map((section) => ({ href: withHost(section.path), label: section.label }))}
          isCurrent={(href, path) => href.split('?')[0] === path}
        />
        {host ? (
          children(host)
        ) : pending ? (
          <Skeleton className="h-48" />
        ) : (
          <EmptyState icon={Boxes} title="No swarm manager">
            None of the hosts you may see swarms on is a swarm manager. Run{' '}
            <code className="font-mono">docker swarm init</code> on one, or ask for{' '}
            <code className="font-mono">swarm.view</code> on a manager.
          </EmptyState>
        )}
      </div>
    </>
  );
}
