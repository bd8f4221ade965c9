'use client';

import type { TUser } from '@berth/shared';
import { useRouter } from 'next/navigation';
import { Toaster } from 'sonner';
import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ApiError } from '@/lib/api';
import { useCapabilities } from '@/lib/capabilities';
import { useMe, useSetupStatus } from '@/lib/queries';
import { useSidebarWidth } from '@/lib/sidebar-width';
import { readThemePreference, subscribeToTheme } from '@/lib/theme';
import { useHostStatusEvents } from '@/lib/use-host-status-events';
import { ErrorNotice } from '../ui/error-notice';
import { Skeleton } from '../ui/skeleton';
import { CommandPalette } from './command-palette';
import { MobileNav } from './mobile-nav';
import { navItemsFor } from './nav-items';
import { ShortcutHelp } from './shortcut-help';
import { SideNav } from './side-nav';
import { TopBar } from './top-bar';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';

/** Everything behind sign-in: waits for the session, then renders navigation and the page. */
export function AppShell({ children }: { children: ReactNode }) {
  const router = useRouter();
  const me = useMe();
  // Asked alongside /me, so pages render once with only the buttons that work (no flicker).
  const capabilities = useCapabilities();
  const setup = useSetupStatus();
  const needsSetup = setup.data?.needsSetup === true;

  useEffect(() => {
    if (needsSetup) router.replace('/setup');
  }, [needsSetup, router]);

  if (me.data && capabilities.data && !needsSetup) {
    return <SignedInShell user={me.data.user}>{children}</SignedInShell>;
  }
  // A 401 is already on its way to /login (see lib/api.ts); anything else is worth showing.
  const failed = me.isError ? me : capabilities.isError ? capabilities : null;
  if (failed && !(failed.error instanceof ApiError && failed.error.status === 401)) {
    return (
      <div className="mx-auto max-w-lg p-8">
        <ErrorNotice error={failed.error} onRetry={() => void failed.refetch()} />
      </div>
    );
  }
  return <ShellSkeleton />;
}

function SignedInShell({ user, children }: { user: TUser; children: ReactNode }) {
  const [navOpen, setNavOpen] = useState(false);
  const sidebar = useSidebarWidth();
  const live = useHostStatusEvents();
  const capabilities = useCapabilities().data;
  const items = useMemo(() => navItemsFor(user, capabilities), [user, capabilities]);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const theme = useSyncExternalStore(
    subscribeToTheme,
    readThemePreference,
    () => 'system' as const,
  );
  const shortcuts = useMemo(
    () => ({ openPalette: () => setPaletteOpen(true), openHelp: () => setHelpOpen(true) }),
    [],
  );
  useKeyboardShortcuts(items, shortcuts);

  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only rounded-md bg-accent text-accent-fg focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      {/* The column runs the full page height; only its content sticks to the viewport. */}
      <aside
        data-width={sidebar.width}
        className={`hidden shrink-0 border-r border-border bg-surface md:block ${sidebar.width === 'narrow' ? 'w-14' : 'w-56'}`}
      >
        <div className="sticky top-0 h-screen">
          <SideNav items={items} width={sidebar.width} onToggleWidth={sidebar.toggle} />
        </div>
      </aside>
      <MobileNav items={items} open={navOpen} onClose={() => setNavOpen(false)} />
      <CommandPalette
        open={paletteOpen}
        onOpenChange={setPaletteOpen}
        user={user}
        items={items}
        onShowShortcuts={() => setHelpOpen(true)}
      />
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} items={items} />
      <Toaster richColors closeButton position="bottom-right" theme={theme} />
      <div className="flex min-w-0 flex-1 flex-col">
        <TopBar
          user={user}
          live={live}
          onOpenNav={() => setNavOpen(true)}
          onOpenPalette={() => setPaletteOpen(true)}
        />
        <main id="main" tabIndex={-1} className="flex-1 px-4 py-5 outline-none md:px-6">
          <div className="mx-auto max-w-[1400px]">{children}</div>
        </main>
      </div>
    </div>
  );
}

function ShellSkeleton() {
  return (
    <div className="flex min-h-screen" aria-busy="true" aria-label="Loading">
      <div className="hidden w-56 shrink-0 border-r border-border bg-surface md:block" />
      <div className="flex flex-1 flex-col">
        <div className="h-12 border-b border-border bg-surface" />
        <div className="flex flex-col gap-3 p-6">
          <Skeleton className="h-6 w-48" />
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-64 w-full" />
        </div>
      </div>
    </div>
  );
}
