import type { Metadata } from 'next';
import { CreateContainerView } from '@/components/containers/create-container-view';

export const metadata: Metadata = { title: 'New container' };

type SearchParams = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value) ?? '';

/**
 * `?host=ID` preselects a host; `?image=REF` fills in the image (from a registry tag);
 * `?from=HOST/ID` copies that container's settings.
 */
export default async function NewContainerPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const params = await searchParams;
  const [fromHost, ...fromId] = single(params.from).split('/');
  const from = fromHost && fromId.length > 0 ? { hostId: fromHost, id: fromId.join('/') } : null;
  return (
    <CreateContainerView hostId={single(params.host)} image={single(params.image)} from={from} />
  );
}
