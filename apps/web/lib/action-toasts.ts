import type { TBulkAction, TBulkItemResult } from '@berth/shared';
import { toast } from 'sonner';

export function pastTenseOf(action: TBulkAction): string {
  switch (action) {
    case 'start':
      return 'started';
    case 'stop':
      return 'stopped';
    case 'restart':
      return 'restarted';
    case 'kill':
      return 'signalled';
    case 'pause':
      return 'paused';
    case 'unpause':
      return 'resumed';
    case 'remove':
      return 'removed';
  }
}

/** A toast confirming a completed change; failures stay where they happened, in their dialog. */
export function toastDone(message: string): void {
  toast.success(message);
}

/** "3 containers stopped", or "2 of 3 containers stopped" with the rest left to the results list. */
export function toastBulkDone(action: TBulkAction, results: readonly TBulkItemResult[]): void {
  const ok = results.filter((result) => result.ok).length;
  if (ok === 0) return;
  const noun = results.length === 1 ? 'container' : 'containers';
  const count = ok === results.length ? `${ok}` : `${ok} of ${results.length}`;
  toastDone(`${count} ${noun} ${pastTenseOf(action)}`);
}
