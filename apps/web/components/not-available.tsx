import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { EmptyState } from './ui/empty-state';
import { PageHeader } from './ui/page-header';

interface NotAvailableProps {
  title: string;
  icon: LucideIcon;
  /** What the page will offer, so nobody mistakes the empty state for an empty fleet. */
  children: ReactNode;
}

/** A section of the console that is planned but not built: says so plainly, shows no data. */
export function NotAvailable({ title, icon, children }: NotAvailableProps) {
  return (
    <>
      <PageHeader title={title} />
      <EmptyState icon={icon} title="Not available yet">
        {children}
      </EmptyState>
    </>
  );
}
