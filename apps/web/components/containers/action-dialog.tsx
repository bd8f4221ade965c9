'use client';

import { useId, type FormEvent, type ReactNode } from 'react';
import { Button, type ButtonVariant } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { useModalDialog } from '../ui/use-modal-dialog';

interface ActionDialogProps {
  open: boolean;
  title: string;
  /** What happens, and the options of the action. */
  children: ReactNode;
  confirmLabel: string;
  variant?: ButtonVariant;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * A lifecycle action with options (stop timeout, kill signal, new name…) as a small modal form:
 * Enter confirms, Escape or Cancel closes, the first field has the focus.
 */
export function ActionDialog({
  open,
  title,
  children,
  confirmLabel,
  variant = 'primary',
  pending,
  error,
  onConfirm,
  onClose,
}: ActionDialogProps) {
  const dialog = useModalDialog(open);
  const titleId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!pending) onConfirm();
  }

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/50"
    >
      {open ? (
        <form onSubmit={submit} noValidate className="flex flex-col gap-3 p-5">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          <div className="flex flex-col gap-3 text-sm text-muted">{children}</div>
          {error ? <ErrorNotice error={error} /> : null}
          <div className="flex justify-end gap-2 pt-2">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant={variant} disabled={pending}>
              {pending ? 'Working…' : confirmLabel}
            </Button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
