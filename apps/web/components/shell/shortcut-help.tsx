'use client';

import { useId } from 'react';
import { Button } from '../ui/button';
import { useModalDialog } from '../ui/use-modal-dialog';
import type { NavItem } from './nav-items';

interface ShortcutHelpProps {
  open: boolean;
  onClose: () => void;
  items: readonly NavItem[];
}

/** `?`: every keyboard shortcut the dashboard answers, the `g` pages as the user's navigation has them. */
export function ShortcutHelp({ open, onClose, items }: ShortcutHelpProps) {
  const dialog = useModalDialog(open);
  const titleId = useId();
  const general: [string[], string][] = [
    [
      ['Ctrl', 'K'],
      'Command palette: jump to a page, host or container, or run an action (⌘K on a Mac)',
    ],
    [['?'], 'Show these shortcuts'],
    [['/'], "Search the page's list"],
    [['Esc'], 'Close a dialog or the palette'],
  ];

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(32rem,calc(100vw-1.5rem))] rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/50"
    >
      <div className="flex flex-col gap-4 p-5">
        <h2 id={titleId} className="text-base font-semibold">
          Keyboard shortcuts
        </h2>
        <ShortcutList label="General" rows={general} />
        <ShortcutList
          label="Go to a page"
          rows={items.map((item) => [['g', item.shortcut], item.label])}
        />
        <div className="flex justify-end">
          <Button onClick={onClose} autoFocus>
            Close
          </Button>
        </div>
      </div>
    </dialog>
  );
}

function ShortcutList({ label, rows }: { label: string; rows: [string[], string][] }) {
  return (
    <section aria-label={label}>
      <h3 className="mb-1.5 text-xs font-medium tracking-wide text-muted uppercase">{label}</h3>
      <dl className="grid grid-cols-[auto_1fr] items-baseline gap-x-4 gap-y-1.5 text-sm">
        {rows.map(([keys, description]) => (
          <div key={description} className="contents">
            <dt className="flex gap-1 whitespace-nowrap">
              {keys.map((key) => (
                <kbd
                  key={key}
                  className="rounded border border-border-strong bg-surface-2 px-1.5 font-mono text-[11px]"
                >
                  {key}
                </kbd>
              ))}
            </dt>
            <dd className="text-muted">{description}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
