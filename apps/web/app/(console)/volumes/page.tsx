import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { VolumesView } from '@/components/volumes/volumes-view';

export const metadata: Metadata = { title: 'Volumes' };

export default async function VolumesPage({ searchParams }: { searchParams: PageSearchParams }) {
  return <VolumesView initialHostId={await hostFilterParam(searchParams)} />;
}
