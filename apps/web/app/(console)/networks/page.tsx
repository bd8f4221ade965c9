import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { NetworksView } from '@/components/networks/networks-view';

export const metadata: Metadata = { title: 'Networks' };

export default async function NetworksPage({ searchParams }: { searchParams: PageSearchParams }) {
  return <NetworksView initialHostId={await hostFilterParam(searchParams)} />;
}
