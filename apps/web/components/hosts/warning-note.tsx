import { TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';

/** An inline caution about a risky connection setting. */
export function WarningNote({ children }: { children: ReactNode }) {
  return (
    <p className="flex items-start gap-2 rounded-md border border-warn/30 bg-warn/10 px-3 py-2 text-xs text-fg">
      <TriangleAlert aria-hidden className="mt-px size-3.5 shrink-0 text-warn" />
      <span>{children}</span>
    </p>
  );
}
