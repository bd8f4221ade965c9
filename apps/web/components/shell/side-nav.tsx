'use client';

import { Anchor } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { isActive, type NavItem } from './nav-items';
import { ServerStatus } from './server-status';

export function SideNav({
  items,
  onNavigate,
}: {
  items: readonly NavItem[];
  onNavigate?: () => void;
}) {
  const pathname = usePathname();
  return (
    <div className="flex h-full flex-col">
      <Link
        href="/"
        onClick={onNavigate}
        className="flex h-12 shrink-0 items-center gap-2 border-b border-border px-4 font-semibold tracking-tight text-fg"
      >
        <Anchor aria-hidden className="size-4 text-accent" />
        Berth
      </Link>
      <nav aria-label="Main" className="flex-1 overflow-y-auto p-2">
        <ul className="flex flex-col gap-0.5">
          {items.map((item) => {
            const active = isActive(item, pathname);
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  onClick={onNavigate}
                  aria-current={active ? 'page' : undefined}
                  title={`${item.label} (g then ${item.shortcut})`}
                  className={`group flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm transition-colors ${
                    active
                      ? 'bg-surface-2 font-medium text-fg'
                      : 'text-muted hover:bg-surface-2 hover:text-fg'
                  }`}
                >
                  <item.icon
                    aria-hidden
                    className={`size-4 shrink-0 ${active ? 'text-accent' : ''}`}
                  />
                  <span className="flex-1">{item.label}</span>
                  <kbd
                    aria-hidden
                    className="hidden font-mono text-[10px] text-muted/70 group-hover:inline"
                  >
                    g {item.shortcut}
                  </kbd>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <ServerStatus />
    </div>
  );
}
