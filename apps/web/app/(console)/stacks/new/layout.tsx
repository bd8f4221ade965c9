import type { ReactNode } from 'react';
import { StackSourceTabs } from '@/components/stacks/stack-source-tabs';

/** A new stack's pages, one per source of its compose file, under tabs. */
export default function NewStackLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex flex-col gap-4">
      <StackSourceTabs />
      {children}
    </div>
  );
}
