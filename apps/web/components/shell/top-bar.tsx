'use client';

import type { TUser } from '@berth/shared';
import { LogOut, Menu } from 'lucide-react';
import { useLogout } from '@/lib/queries';
import type { LiveState } from '@/lib/use-host-status-events';
import { Button } from '../ui/button';
import { LiveIndicator } from './live-indicator';
import { ThemeToggle } from './theme-toggle';

interface TopBarProps {
  user: TUser;
  live: LiveState;
  onOpenNav: () => void;
}

export function TopBar({ user, live, onOpenNav }: TopBarProps) {
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
      <div className="flex-1" />
      <LiveIndicator state={live} />
      <ThemeToggle />
      <span className="hidden h-5 w-px bg-border sm:block" aria-hidden />
      <span className="truncate text-sm font-medium text-fg" title={user.username}>
        {user.displayName || user.username}
        {user.isAdmin ? (
          <span className="ml-2 rounded border border-border px-1 py-px text-[10px] font-medium tracking-wide text-muted uppercase">
            admin
          </span>
        ) : null}
      </span>
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
