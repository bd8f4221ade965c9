'use client';

import type { ReactNode } from 'react';
import { useMe } from '@/lib/queries';
import { PageHeader } from '../ui/page-header';
import { AdminTabs } from './admin-tabs';
import { AdministratorsOnly } from './administrators-only';

/**
 * The frame of every admin page. Only global administrators get past it; the API would answer
 * 403 to anyone else, so nothing is fetched for them.
 */
export function AdminLayoutView({ children }: { children: ReactNode }) {
  // The app shell renders pages only once /me has answered.
  const isAdmin = useMe().data?.user.isAdmin === true;
  return (
    <>
      <PageHeader
        title="Admin"
        description="Accounts, access to hosts and the audit trail of everything Berth changed."
      />
      {isAdmin ? (
        <>
          <AdminTabs />
          <div className="pt-5">{children}</div>
        </>
      ) : (
        <AdministratorsOnly />
      )}
    </>
  );
}
