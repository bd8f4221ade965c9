import type { Metadata } from 'next';
import { ContainerDetailView } from '@/components/containers/container-detail-view';
import { isContainerTab } from '@/lib/container-tab';

export const metadata: Metadata = { title: 'Container' };

export default async function ContainerPage({
  params,
  searchParams,
}: {
  params: Promise<{ hostId: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { hostId, id } = await params;
  const { tab } = await searchParams;
  const initialTab = typeof tab === 'string' && isContainerTab(tab) ? tab : 'overview';
  return (
    <ContainerDetailView
      hostId={decodeURIComponent(hostId)}
      id={decodeURIComponent(id)}
      initialTab={initialTab}
    />
  );
}
