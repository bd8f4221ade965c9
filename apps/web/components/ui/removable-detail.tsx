'use client';

import type { UseMutationResult } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { Button } from './button';
import { ConfirmDialog } from './confirm-dialog';
import { PageHeader } from './page-header';

interface RemovableDetailProps {
  title: string;
  description: string;
  /** `network`, `volume`: names the confirm button. */
  what: string;
  /** Where the page goes once it is removed. */
  listHref: string;
  /** Shown only to who may remove it. */
  mayRemove: boolean;
  /** The remove, called with `target` (an id or a name). */
  remove: UseMutationResult<unknown, Error, string>;
  target: string;
  /** What the confirmation says a removal does. */
  warning: ReactNode;
  children: ReactNode;
}

/**
 * The page of one network or volume: its header with a Remove button behind a confirmation
 * (back to the list once removed), and its panels.
 */
export function RemovableDetail({
  title,
  description,
  what,
  listHref,
  mayRemove,
  remove,
  target,
  warning,
  children,
}: RemovableDetailProps) {
  const router = useRouter();
  const [removing, setRemoving] = useState(false);
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          mayRemove ? (
            <Button variant="danger" onClick={() => setRemoving(true)}>
              <Trash2 aria-hidden />
              Remove
            </Button>
          ) : null
        }
      />
      <div className="flex flex-col gap-5">{children}</div>
      <ConfirmDialog
        open={removing}
        title={`Remove ${title}?`}
        confirmLabel={`Remove ${what}`}
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          remove.reset();
          setRemoving(false);
        }}
        // mutateAsync: a refresh answering 404 may unmount this view before mutate's own
        // callbacks run, and React Query drops them then.
        onConfirm={() =>
          void remove.mutateAsync(target).then(
            () => router.push(listHref),
            () => undefined, // shown from remove.error
          )
        }
      >
        {warning}
      </ConfirmDialog>
    </>
  );
}
