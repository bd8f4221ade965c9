import type { Metadata } from 'next';
import { ServiceDetailView } from '@/components/swarm/service-detail-view';
import type { PageSearchParams } from '@/lib/host-filter-param';

export const metadata: Metadata = { title: 'Service' };

export default async function ServicePage({
  params,
  searchParams,
}: {
  params: Promise<{ hostId: string; id: string }>;
  searchParams: PageSearchParams;
}) {
  const { hostId, id } = await params;
  const tab = (await searchParams).tab === 'logs' ? 'logs' : 'overview';
  return (
    <ServiceDetailView hostId={decodeURIComponent(hostId)} id={decodeURIComponent(id)} tab={tab} />
  );
}
