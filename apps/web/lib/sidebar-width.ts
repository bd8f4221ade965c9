import { useCallback, useState, useSyncExternalStore } from 'react';

/**
 * The sidebar beside the page (from 768 px; narrower screens get the drawer): wide with labels or
 * narrow with icons only. Until the user chooses, it is narrow below 1024 px so tables keep their
 * columns on a small laptop or tablet; a choice is remembered in this browser.
 */
export type SidebarWidth = 'wide' | 'narrow';

const STORAGE_KEY = 'berth.sidebar';
const WIDE_SCREEN = '(min-width: 1024px)';

function storedChoice(): SidebarWidth | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'wide' || value === 'narrow' ? value : null;
  } catch {
    return null;
  }
}

function subscribeToWidth(onChange: () => void): () => void {
  const query = matchMedia(WIDE_SCREEN);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

export function useSidebarWidth(): { width: SidebarWidth; toggle: () => void } {
  const [choice, setChoice] = useState<SidebarWidth | null>(() =>
    typeof window === 'undefined' ? null : storedChoice(),
  );
  const wideScreen = useSyncExternalStore(
    subscribeToWidth,
    () => matchMedia(WIDE_SCREEN).matches,
    () => true,
  );
  const width = choice ?? (wideScreen ? 'wide' : 'narrow');
  const toggle = useCallback(() => {
    const next = width === 'wide' ? 'narrow' : 'wide';
    setChoice(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage can be disabled; the choice then lasts until the next reload.
    }
  }, [width]);
  return { width, toggle };
}
