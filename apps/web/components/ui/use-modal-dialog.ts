import { useEffect, useRef } from 'react';

/**
 * Opens and closes a <dialog> as a modal to follow `open`. The browser then traps focus, closes
 * on Escape (firing `close`) and returns focus to the element that opened it.
 */
export function useModalDialog(open: boolean) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return dialog;
}
