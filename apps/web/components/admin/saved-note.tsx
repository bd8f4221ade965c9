import { Check } from 'lucide-react';

/** A quiet confirmation next to a form's button after it saved. */
export function SavedNote({ children = 'Saved' }: { children?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-1 text-xs text-ok">
      <Check aria-hidden className="size-3.5" />
      {children}
    </span>
  );
}
