'use client';

import { ROUTES, type TUser } from '@berth/shared';
import { useQuery } from '@tanstack/react-query';
import { Command } from 'cmdk';
import {
  Container,
  FileText,
  Keyboard,
  LogOut,
  Monitor,
  Moon,
  Plus,
  Server,
  Sun,
  type LucideIcon,
} from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useState, type ReactNode } from 'react';
import { callRoute } from '@/lib/api';
import { can, hostsWith, useCapabilities } from '@/lib/capabilities';
import { containerHref } from '@/lib/container-format';
import { useFleetSummary } from '@/lib/container-queries';
import { useLogout } from '@/lib/queries';
import { setThemePreference } from '@/lib/theme';
import type { NavItem } from './nav-items';

/** Containers offered for what is typed: the server searches, the palette shows the first few. */
const CONTAINER_MATCHES = 8;

interface CommandPaletteProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  user: TUser;
  items: readonly NavItem[];
  onShowShortcuts: () => void;
}

/**
 * Ctrl/⌘+K: jump to any page, host or container, or run an action. Only what the user may open
 * is offered: pages from their navigation, hosts from their fleet summary, containers the server
 * lists for them, tabs and actions their capabilities allow.
 */
export function CommandPalette({
  open,
  onOpenChange,
  user,
  items,
  onShowShortcuts,
}: CommandPaletteProps) {
  const router = useRouter();
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search.trim());
  const summary = useFleetSummary();
  const capabilities = useCapabilities().data;
  const logout = useLogout();
  const containers = useQuery({
    queryKey: ['palette', 'containers', query],
    queryFn: () =>
      callRoute(ROUTES.listContainers, {
        query: { q: query || undefined, limit: CONTAINER_MATCHES, sort: 'name', order: 'asc' },
      }),
    enabled: open,
    staleTime: 5_000,
  });

  const run = (action: () => void) => {
    onOpenChange(false);
    setSearch('');
    action();
  };
  const go = (href: string) => run(() => router.push(href));
  const mayCreate = hostsWith(capabilities, 'container.create').length > 0;
  const mayCreateService = hostsWith(capabilities, 'swarm.manage').length > 0;

  return (
    <Command.Dialog
      open={open}
      onOpenChange={onOpenChange}
      label="Command palette"
      overlayClassName="fixed inset-0 z-40 bg-black/50"
      contentClassName="fixed top-[12vh] left-1/2 z-50 w-[min(36rem,calc(100vw-1.5rem))] -translate-x-1/2 overflow-hidden rounded-lg border border-border bg-surface text-fg shadow-2xl"
    >
      <Command.Input
        value={search}
        onValueChange={setSearch}
        placeholder="Jump to a page, host or container, or run an action…"
        className="h-11 w-full border-b border-border bg-transparent px-4 text-sm outline-none placeholder:text-muted"
      />
      <Command.List className="max-h-[min(60vh,26rem)] overflow-y-auto p-1.5">
        <Command.Empty className="px-3 py-6 text-center text-sm text-muted">
          {containers.isFetching ? 'Searching…' : 'Nothing matches.'}
        </Command.Empty>
        <Group heading="Pages">
          {items.map((item) => (
            <Item
              key={item.href}
              value={`page ${item.label}`}
              icon={item.icon}
              hint={`g ${item.shortcut}`}
              onSelect={() => go(item.href)}
            >
              {item.label}
            </Item>
          ))}
        </Group>
        <Group heading="Containers">
          {(containers.data?.items ?? []).flatMap((row) => {
            const href = (tab?: string) => containerHref(row.hostId, row.id, tab);
            const tabs = [
              { tab: 'logs', label: 'logs', permission: 'container.logs' },
              { tab: 'console', label: 'console', permission: 'container.exec' },
              { tab: 'stats', label: 'stats', permission: 'container.stats' },
            ] as const;
            return [
              <Item
                key={`${row.hostId}/${row.id}`}
                value={`container ${row.name} ${row.hostName} ${row.image} ${row.id}`}
                icon={Container}
                hint={row.hostName}
                onSelect={() => go(href())}
              >
                {row.name}
              </Item>,
              ...tabs
                .filter(({ permission }) => can(capabilities, row.hostId, permission))
                .map(({ tab, label }) => (
                  <Item
                    key={`${row.hostId}/${row.id}/${tab}`}
                    value={`container ${row.name} ${row.hostName} ${label}`}
                    icon={FileText}
                    hint={row.hostName}
                    onSelect={() => go(href(tab))}
                  >
                    {row.name} — {label}
                  </Item>
                )),
            ];
          })}
        </Group>
        <Group heading="Hosts">
          {(summary.data?.perHost ?? []).map((host) => (
            <Item
              key={host.hostId}
              value={`host ${host.name}`}
              icon={Server}
              hint={host.status}
              onSelect={() =>
                go(
                  user.isAdmin
                    ? `/hosts/${encodeURIComponent(host.hostId)}`
                    : `/containers?host=${encodeURIComponent(host.hostId)}`,
                )
              }
            >
              {host.name}
            </Item>
          ))}
        </Group>
        <Group heading="Actions">
          {mayCreate ? (
            <Item
              value="action new container create"
              icon={Plus}
              onSelect={() => go('/containers/new')}
            >
              New container
            </Item>
          ) : null}
          {mayCreateService ? (
            <Item
              value="action new swarm service create"
              icon={Plus}
              onSelect={() => go('/services/new')}
            >
              New service
            </Item>
          ) : null}
          <Item
            value="action keyboard shortcuts help"
            icon={Keyboard}
            hint="?"
            onSelect={() => run(onShowShortcuts)}
          >
            Keyboard shortcuts
          </Item>
          <Item
            value="action light theme"
            icon={Sun}
            onSelect={() => run(() => setThemePreference('light'))}
          >
            Light theme
          </Item>
          <Item
            value="action dark theme"
            icon={Moon}
            onSelect={() => run(() => setThemePreference('dark'))}
          >
            Dark theme
          </Item>
          <Item
            value="action system theme"
            icon={Monitor}
            onSelect={() => run(() => setThemePreference('system'))}
          >
            System theme
          </Item>
          <Item
            value="action sign out log out"
            icon={LogOut}
            onSelect={() => run(() => logout.mutate())}
          >
            Sign out
          </Item>
        </Group>
      </Command.List>
    </Command.Dialog>
  );
}

function Group({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <Command.Group
      heading={heading}
      className="[&_[cmdk-group-heading]]:px-2.5 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-[11px] [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:tracking-wide [&_[cmdk-group-heading]]:text-muted [&_[cmdk-group-heading]]:uppercase"
    >
      {children}
    </Command.Group>
  );
}

interface ItemProps {
  value: string;
  icon: LucideIcon;
  hint?: string;
  onSelect: () => void;
  children: ReactNode;
}

function Item({ value, icon: Icon, hint, onSelect, children }: ItemProps) {
  return (
    <Command.Item
      value={value}
      onSelect={onSelect}
      className="flex cursor-pointer items-center gap-2.5 rounded-md px-2.5 py-2 text-sm data-[selected=true]:bg-accent/10 data-[selected=true]:text-fg"
    >
      <Icon aria-hidden className="size-4 shrink-0 text-muted" />
      <span className="min-w-0 flex-1 truncate">{children}</span>
      {hint ? <span className="shrink-0 font-mono text-[11px] text-muted">{hint}</span> : null}
    </Command.Item>
  );
}
