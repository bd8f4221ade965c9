'use client';

import { useModalDialog } from '../ui/use-modal-dialog';
import type { NavItem } from './nav-items';
import { SideNav } from './side-nav';

/** The navigation as a drawer on narrow screens; Escape or a click outside closes it. */
export function MobileNav({
  items,
  open,
  onClose,
}: {
  items: readonly NavItem[];
  open: boolean;
  onClose: () => void;
}) {
  const dialog = useModalDialog(open);
  return (
    <dialog
      ref={dialog}
      aria-label="Navigation"
      onClose={onClose}
      // A click on the backdrop lands on the <dialog> itself, not on its content.
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      className="m-0 h-full max-h-none w-64 max-w-none border-r border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40 md:hidden"
    >
      <SideNav items={items} onNavigate={onClose} />
    </dialog>
  );
}
