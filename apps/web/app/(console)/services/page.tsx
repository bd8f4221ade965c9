import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { ServicesView } from '@/components/swarm/services-view';

export const metadata: Metadata = { title: 'Services' };

export default async function ServicesPage({ searchParams }: { searchParams: PageSearchParams }) {
  return <ServicesView initialHostId={await hostFilterParam(searchParams)} />;
}
