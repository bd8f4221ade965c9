'use client';

import type { TUser } from '@berth/shared';
import { LogOut, Menu, Search } from 'lucide-react';
import Link from 'next/link';
import { useLogout } from '@/lib/queries';
import type { LiveState } from '@/lib/use-host-status-events';
import { Button } from '../ui/button';
import { LiveIndicator } from './live-indicator';
import { ThemeToggle } from './theme-toggle';

interface TopBarProps {
  user: TUser;
  live: LiveState;
  onOpenNav: () => void;
  onOpenPalette: () => void;
}

export function TopBar({ user, live, onOpenNav, onOpenPalette }: TopBarProps) {
  const logout = useLogout();
  return (
    <header className="sticky top-0 z-10 flex h-12 shrink-0 items-center gap-3 border-b border-border bg-surface/90 px-4 backdrop-blur">
      <Button
        variant="ghost"
        size="sm"
        className="md:hidden"
        aria-label="Open navigation"
        onClick={onOpenNav}
      >
        <Menu aria-hidden />
      </Button>
      <button
        type="button"
        onClick={onOpenPalette}
        aria-label="Open the command palette"
        aria-keyshortcuts="Control+K Meta+K"
        className="flex h-7 min-w-0 items-center gap-2 rounded-md border border-border bg-surface-2/60 px-2.5 text-xs text-muted hover:text-fg sm:w-64"
      >
        <Search aria-hidden className="size-3.5 shrink-0" />
        <span className="hidden flex-1 truncate text-left sm:inline">Jump to…</span>
        <kbd className="hidden rounded border border-border px-1 font-mono text-[10px] sm:inline">
          Ctrl K
        </kbd>
      </button>
      <div className="flex-1" />
      <LiveIndicator state={live} />
      <ThemeToggle />
      <span className="hidden h-5 w-px bg-border sm:block" aria-hidden />
      <Link
        href="/account"
        className="truncate rounded text-sm font-medium text-fg hover:underline"
        title={`${user.username}: your account`}
      >
        {user.displayName || user.username}
        {user.isAdmin ? (
          <span className="ml-2 rounded border border-border px-1 py-px text-[10px] font-medium tracking-wide text-muted uppercase">
            admin
          </span>
        ) : null}
      </Link>
      {logout.isError ? (
        // The session is still open; saying so beats pretending to have signed out.
        <span role="alert" className="text-xs text-danger" title={logout.error.message}>
          Sign-out failed
        </span>
      ) : null}
      <Button variant="ghost" size="sm" onClick={() => logout.mutate()} disabled={logout.isPending}>
        <LogOut aria-hidden />
        Sign out
      </Button>
    </header>
  );
}
