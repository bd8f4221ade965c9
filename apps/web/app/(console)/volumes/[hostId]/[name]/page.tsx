import type { Metadata } from 'next';
import { VolumeDetailView } from '@/components/volumes/volume-detail-view';

export const metadata: Metadata = { title: 'Volume' };

export default async function VolumePage({
  params,
}: {
  params: Promise<{ hostId: string; name: string }>;
}) {
  const { hostId, name } = await params;
  return <VolumeDetailView hostId={decodeURIComponent(hostId)} name={decodeURIComponent(name)} />;
}
