'use client';

import type { UseMutationResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ConfirmDialog } from './confirm-dialog';

interface ConfirmRemoveDialogProps<Target, Argument> {
  /** What is about to be removed; null: the dialog is closed. */
  target: Target | null;
  onClose: () => void;
  title: (target: Target) => string;
  confirmLabel: string;
  remove: UseMutationResult<unknown, Error, Argument>;
  /** What the remove mutation is called with for the target (its id, its name). */
  argument: (target: Target) => Argument;
  onRemoved?: (target: Target) => void;
  children: ReactNode;
}

/** Asks before removing one row's object; closes once it is gone, shows the refusal otherwise. */
export function ConfirmRemoveDialog<Target, Argument>({
  target,
  onClose,
  title,
  confirmLabel,
  remove,
  argument,
  onRemoved,
  children,
}: ConfirmRemoveDialogProps<Target, Argument>) {
  return (
    <ConfirmDialog
      open={target !== null}
      title={target === null ? '' : title(target)}
      confirmLabel={confirmLabel}
      pending={remove.isPending}
      error={remove.error}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      onConfirm={() => {
        if (target === null) return;
        remove.mutate(argument(target), {
          onSuccess: () => {
            onRemoved?.(target);
            onClose();
          },
        });
      }}
    >
      {children}
    </ConfirmDialog>
  );
}
