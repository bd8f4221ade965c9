import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { SwarmView } from '@/components/swarm/swarm-view';

export const metadata: Metadata = { title: 'Swarm' };

export default async function SwarmPage({ searchParams }: { searchParams: PageSearchParams }) {
  return <SwarmView hostId={await hostFilterParam(searchParams)} />;
}
