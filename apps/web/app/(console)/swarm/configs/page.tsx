import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { SwarmObjectsView } from '@/components/swarm/swarm-objects-view';

export const metadata: Metadata = { title: 'Swarm configs' };

export default async function SwarmConfigsPage({
  searchParams,
}: {
  searchParams: PageSearchParams;
}) {
  return <SwarmObjectsView hostId={await hostFilterParam(searchParams)} kind="config" />;
}
