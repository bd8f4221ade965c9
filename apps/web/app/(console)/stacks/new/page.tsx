import type { Metadata } from 'next';
import { NewStackView } from '@/components/stacks/new-stack-view';

export const metadata: Metadata = { title: 'New stack' };

export default async function NewStackPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { draft } = await searchParams;
  return <NewStackView {...(typeof draft === 'string' ? { draft } : {})} />;
}
