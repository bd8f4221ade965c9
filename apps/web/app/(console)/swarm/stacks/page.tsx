import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { SwarmStacksView } from '@/components/swarm/swarm-stacks-view';

export const metadata: Metadata = { title: 'Swarm stacks' };

export default async function SwarmStacksPage({
  searchParams,
}: {
  searchParams: PageSearchParams;
}) {
  return <SwarmStacksView hostId={await hostFilterParam(searchParams)} />;
}
