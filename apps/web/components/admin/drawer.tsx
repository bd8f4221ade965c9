'use client';

import { X } from 'lucide-react';
import { useId, type MouseEvent, type ReactNode, type SyntheticEvent } from 'react';
import { Button } from '../ui/button';
import { useModalDialog } from '../ui/use-modal-dialog';

interface DrawerProps {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal panel along the right edge: details and edits that need more room than a dialog. The
 * browser traps focus inside, Escape closes it, and focus returns to whatever opened it.
 */
export function Drawer({ open, title, description, onClose, children }: DrawerProps) {
  const dialog = useModalDialog(open);
  const titleId = useId();

  function closed(event: SyntheticEvent<HTMLDialogElement>) {
    // React hands the `close` of a dialog opened from inside (a confirmation) to this handler
    // too, although the browser does not bubble it; only this drawer's own closing counts.
    if (event.target === event.currentTarget) onClose();
  }

  function closeOnBackdrop(event: MouseEvent<HTMLDialogElement>) {
    // A click on the ::backdrop lands on the dialog element itself, never on its content.
    if (event.target === event.currentTarget) onClose();
  }

  return (
    <dialog
      ref={dialog}
      onClose={closed}
      onClick={closeOnBackdrop}
      aria-labelledby={titleId}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-none w-[min(34rem,100vw)] max-w-none border-l border-border bg-surface p-0 text-fg shadow-2xl backdrop:bg-black/40"
    >
      {open ? (
        <div className="flex h-full flex-col">
          <header className="flex items-start justify-between gap-3 border-b border-border px-5 py-3.5">
            <div className="flex min-w-0 flex-col gap-0.5">
              <h2 id={titleId} className="truncate text-base font-semibold">
                {title}
              </h2>
              {description ? <div className="text-xs text-muted">{description}</div> : null}
            </div>
            <Button variant="ghost" size="sm" aria-label="Close" onClick={onClose}>
              <X aria-hidden />
            </Button>
          </header>
          <div className="flex-1 overflow-y-auto px-5 py-4">{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}
