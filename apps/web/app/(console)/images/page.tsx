import type { Metadata } from 'next';
import { hostFilterParam, type PageSearchParams } from '@/lib/host-filter-param';
import { ImagesView } from '@/components/images/images-view';

export const metadata: Metadata = { title: 'Images' };

export default async function ImagesPage({ searchParams }: { searchParams: PageSearchParams }) {
  return <ImagesView initialHostId={await hostFilterParam(searchParams)} />;
}
