'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

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
  const pathname = usePathname();
  return (
    <nav aria-label="Admin sections" className="-mx-1 overflow-x-auto border-b border-border">
      <ul className="flex min-w-max gap-1 px-1">
        {TABS.map((tab) => {
          const current = isCurrent(tab.href, pathname);
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={current ? 'page' : undefined}
                className={`-mb-px inline-flex h-9 items-center border-b-2 px-3 text-sm transition-colors ${
                  current
                    ? 'border-accent font-medium text-fg'
                    : 'border-transparent text-muted hover:border-border-strong hover:text-fg'
                }`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
