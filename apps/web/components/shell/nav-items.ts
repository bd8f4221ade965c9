import type { Permission, TCapabilities } from '@berth/shared';
import {
  Boxes,
  Box,
  Container,
  HardDrive,
  Layers,
  LayoutDashboard,
  type LucideIcon,
  Network,
  Package,
  Puzzle,
  Server,
  ShieldCheck,
  UserRound,
  Workflow,
} from 'lucide-react';
import { hostsWith } from '@/lib/capabilities';

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  /** Second key of the `g <key>` shortcut that opens this page. */
  shortcut: string;
  /** Shown to global administrators only: the API behind the page answers everyone else 403. */
  adminOnly?: true;
  /** Shown only to users holding this permission on at least one host. */
  permission?: Permission;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Dashboard', icon: LayoutDashboard, shortcut: 'd' },
  { href: '/hosts', label: 'Hosts', icon: Server, shortcut: 'h', adminOnly: true },
  { href: '/containers', label: 'Containers', icon: Container, shortcut: 'c' },
  { href: '/images', label: 'Images', icon: Layers, shortcut: 'i' },
  { href: '/networks', label: 'Networks', icon: Network, shortcut: 'n' },
  { href: '/volumes', label: 'Volumes', icon: HardDrive, shortcut: 'v' },
  { href: '/plugins', label: 'Plugins', icon: Puzzle, shortcut: 'p' },
  { href: '/stacks', label: 'Stacks', icon: Box, shortcut: 's' },
  { href: '/swarm', label: 'Swarm', icon: Boxes, shortcut: 'w', permission: 'swarm.view' },
  { href: '/services', label: 'Services', icon: Workflow, shortcut: 'e', permission: 'swarm.view' },
  { href: '/registries', label: 'Registries', icon: Package, shortcut: 'r', adminOnly: true },
  { href: '/admin', label: 'Admin', icon: ShieldCheck, shortcut: 'a', adminOnly: true },
  { href: '/account', label: 'Account', icon: UserRound, shortcut: 'u' },
];

/** The pages the signed-in user's navigation and `g` shortcuts offer. */
export function navItemsFor(
  user: { isAdmin: boolean },
  capabilities: TCapabilities | undefined,
): readonly NavItem[] {
  return NAV_ITEMS.filter(
    (item) =>
      (user.isAdmin || !item.adminOnly) &&
      (item.permission === undefined || hostsWith(capabilities, item.permission).length > 0),
  );
}

export function isActive(item: NavItem, pathname: string): boolean {
  return item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
}
