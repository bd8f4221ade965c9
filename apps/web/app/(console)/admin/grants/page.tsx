import type { Metadata } from 'next';
import { Suspense } from 'react';
import { GrantsView } from '@/components/admin/grants-view';
import { LoadingBlock } from '@/components/admin/loading-block';

export const metadata: Metadata = { title: 'Grants · Admin' };

export default function AdminGrantsPage() {
  // The host picked is in the URL's query, which is only known in the browser.
  return (
    <Suspense fallback={<LoadingBlock label="Loading grants" />}>
      <GrantsView />
    </Suspense>
  );
}
