import {
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
} from 'lucide-react';

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  /** Second key of the `g <key>` shortcut that opens this page. */
  shortcut: string;
  /** Shown to global administrators only: the API behind the page answers everyone else 403. */
  adminOnly?: true;
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
  { href: '/registries', label: 'Registries', icon: Package, shortcut: 'r', adminOnly: true },
  { href: '/admin', label: 'Admin', icon: ShieldCheck, shortcut: 'a', adminOnly: true },
];

/** The pages the signed-in user's navigation and `g` shortcuts offer. */
export function navItemsFor(user: { isAdmin: boolean }): readonly NavItem[] {
  return user.isAdmin ? NAV_ITEMS : NAV_ITEMS.filter((item) => !item.adminOnly);
}

export function isActive(item: NavItem, pathname: string): boolean {
  return item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
}
