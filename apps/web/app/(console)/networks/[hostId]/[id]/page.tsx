import type { Metadata } from 'next';
import { NetworkDetailView } from '@/components/networks/network-detail-view';

export const metadata: Metadata = { title: 'Network' };

export default async function NetworkPage({
  params,
}: {
  params: Promise<{ hostId: string; id: string }>;
}) {
  const { hostId, id } = await params;
  return <NetworkDetailView hostId={decodeURIComponent(hostId)} id={decodeURIComponent(id)} />;
}
