'use client';

import { SectionTabs } from '../ui/section-tabs';

const TABS = [
  { href: '/admin', label: 'Overview' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/teams', label: 'Teams' },
  { href: '/admin/roles', label: 'Roles' },
  { href: '/admin/grants', label: 'Grants' },
  { href: '/admin/audit', label: 'Audit log' },
] as const;

function isCurrent(href: string, pathname: string): boolean {
  return href === '/admin' ? pathname === '/admin' : pathname.startsWith(href);
}

/** The admin area's sub-navigation: one link per section, the current one underlined. */
export function AdminTabs() {
  return <SectionTabs label="Admin sections" tabs={TABS} isCurrent={isCurrent} />;
}
