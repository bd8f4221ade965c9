'use client';

import { Anchor, PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { SidebarWidth } from '@/lib/sidebar-width';
import { isActive, type NavItem } from './nav-items';
import { ServerStatus } from './server-status';

export function SideNav({
  items,
  onNavigate,
  width = 'wide',
  onToggleWidth,
}: {
  items: readonly NavItem[];
  onNavigate?: () => void;
  /** Narrow: icons only, each named by its tooltip and for screen readers. */
  width?: SidebarWidth;
  /** Offered as a button at the foot (the sidebar beside the page, not the drawer). */
  onToggleWidth?: () => void;
}) {
  const pathname = usePathname();
  const narrow = width === 'narrow';
  const label = narrow ? 'sr-only' : 'flex-1';
  const Toggle = narrow ? PanelLeftOpen : PanelLeftClose;
  return (
    <div className="flex h-full flex-col">
      <Link
        href="/"
        onClick={onNavigate}
        title="Berth"
        className={`flex h-12 shrink-0 items-center gap-2 border-b border-border font-semibold tracking-tight text-fg ${narrow ? 'justify-center' : 'px-4'}`}
      >
        <Anchor aria-hidden className="size-4 text-accent" />
        <span className={label}>Berth</span>
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
                  className={`group flex h-8 items-center gap-2.5 rounded-md text-sm transition-colors ${narrow ? 'justify-center' : 'px-2.5'} ${
                    active
                      ? 'bg-surface-2 font-medium text-fg'
                      : 'text-muted hover:bg-surface-2 hover:text-fg'
                  }`}
                >
                  <item.icon
                    aria-hidden
                    className={`size-4 shrink-0 ${active ? 'text-accent' : ''}`}
                  />
                  <span className={label}>{item.label}</span>
                  {narrow ? null : (
                    <kbd
                      aria-hidden
                      className="hidden font-mono text-[10px] text-muted/70 group-hover:inline"
                    >
                      g {item.shortcut}
                    </kbd>
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {onToggleWidth ? (
        <button
          type="button"
          onClick={onToggleWidth}
          aria-label={narrow ? 'Expand sidebar' : 'Collapse sidebar'}
          title={narrow ? 'Expand sidebar' : 'Collapse sidebar'}
          className={`flex h-9 shrink-0 items-center gap-2.5 border-t border-border text-xs text-muted hover:bg-surface-2 hover:text-fg ${narrow ? 'justify-center' : 'px-4'}`}
        >
          <Toggle aria-hidden className="size-4" />
          <span className={label}>Collapse</span>
        </button>
      ) : null}
      {narrow ? null : <ServerStatus />}
    </div>
  );
}
