import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { ServiceForm } from '@/components/swarm/service-form';

export const metadata: Metadata = { title: 'New service' };

export default async function NewServicePage({ searchParams }: { searchParams: PageSearchParams }) {
  return <ServiceForm initialHostId={await hostFilterParam(searchParams)} />;
}
