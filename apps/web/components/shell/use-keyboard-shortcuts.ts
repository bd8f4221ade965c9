import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import type { NavItem } from './nav-items';

const CHORD_TIMEOUT_MS = 1000;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export interface ShortcutActions {
  openPalette: () => void;
  openHelp: () => void;
}

/**
 * `g` then a letter opens a page (`g h`: Hosts); `/` focuses the page's search box; `?` shows every
 * shortcut; Ctrl/⌘+K opens the command palette, even from a text field.
 */
export function useKeyboardShortcuts(items: readonly NavItem[], actions: ShortcutActions): void {
  const router = useRouter();
  const { openPalette, openHelp } = actions;

  useEffect(() => {
    let chordStartedAt = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        openPalette();
        return;
      }
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (isTyping(event.target)) return;
      // A modal dialog open (the shortcut list, a confirmation) keeps the keys to itself.
      if (document.querySelector('dialog[open]')) return;

      if (event.timeStamp - chordStartedAt < CHORD_TIMEOUT_MS) {
        chordStartedAt = 0;
        const item = items.find((candidate) => candidate.shortcut === event.key);
        if (item) {
          event.preventDefault();
          router.push(item.href);
        }
        return;
      }
      if (event.key === '?') {
        event.preventDefault();
        openHelp();
      } else if (event.key === 'g') {
        chordStartedAt = event.timeStamp;
      } else if (event.key === '/') {
        // A page's search box is its `type="search"` input; pages without one ignore `/`.
        const search = document.querySelector<HTMLInputElement>('main input[type="search"]');
        if (search) {
          event.preventDefault();
          search.focus();
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [items, router, openPalette, openHelp]);
}
