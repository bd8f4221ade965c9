import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuditView } from '@/components/admin/audit-view';
import { LoadingBlock } from '@/components/admin/loading-block';

export const metadata: Metadata = { title: 'Audit log · Admin' };

export default function AdminAuditPage() {
  // The filters are in the URL's query, which is only known in the browser.
  return (
    <Suspense fallback={<LoadingBlock label="Loading the audit log" rows={8} />}>
      <AuditView />
    </Suspense>
  );
}
