import { ShieldAlert } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';

/** What someone who is not a global administrator sees instead of the admin area (or `area`). */
export function AdministratorsOnly({
  area = 'The admin area manages users, teams, roles, grants and the audit log.',
}: {
  area?: ReactNode;
}) {
  return (
    <EmptyState icon={ShieldAlert} title="Administrators only">
      <p className="mb-3">
        {area} Only global administrators can open it; ask one of them if you need a change.
      </p>
      <Link href="/" className={buttonClassName('secondary')}>
        Back to the dashboard
      </Link>
    </EmptyState>
  );
}
