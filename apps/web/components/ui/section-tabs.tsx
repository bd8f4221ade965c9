'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface SectionTab {
  href: string;
  label: string;
}

/**
 * A sub-navigation: one link per section, the current one underlined. `isCurrent` decides which
 * tab the path belongs to (default: the longest tab whose link starts the path).
 */
export function SectionTabs({
  label,
  tabs,
  isCurrent,
}: {
  label: string;
  tabs: readonly SectionTab[];
  isCurrent?: (href: string, pathname: string) => boolean;
}) {
  const pathname = usePathname();
  const longest = [...tabs]
    .filter((tab) => pathname === tab.href || pathname.startsWith(`${tab.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <nav aria-label={label} className="-mx-1 overflow-x-auto border-b border-border">
      <ul className="flex min-w-max gap-1 px-1">
        {tabs.map((tab) => {
          const current = isCurrent ? isCurrent(tab.href, pathname) : tab.href === longest;
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
