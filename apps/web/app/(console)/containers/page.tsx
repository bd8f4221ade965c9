import type { Metadata } from 'next';
import { ContainersView } from '@/components/containers/containers-view';
import { filtersFromSearchParams } from '@/lib/container-list-filters';

export const metadata: Metadata = { title: 'Containers' };

export default async function ContainersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <ContainersView initialFilters={filtersFromSearchParams(await searchParams)} />;
}
