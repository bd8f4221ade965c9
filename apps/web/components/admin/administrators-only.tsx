import { ShieldAlert } from 'lucide-react';
import Link from 'next/link';
import { buttonClassName } from '../ui/button';
import { EmptyState } from '../ui/empty-state';

/** What someone who is not a global administrator sees instead of the admin area. */
export function AdministratorsOnly() {
  return (
    <EmptyState icon={ShieldAlert} title="Administrators only">
      <p className="mb-3">
        The admin area manages users, teams, roles, grants and the audit log. Only global
        administrators can open it; ask one of them if you need a change.
      </p>
      <Link href="/" className={buttonClassName('secondary')}>
        Back to the dashboard
      </Link>
    </EmptyState>
  );
}
