import type { Metadata } from 'next';
import { StackForm } from '@/components/stacks/stack-form';

export const metadata: Metadata = { title: 'Adopt a stack' };

export default async function AdoptStackPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { host, name } = await searchParams;
  const hostId = typeof host === 'string' ? host : '';
  const project = typeof name === 'string' ? name : '';
  return <StackForm start={{ hostId, name: project, compose: '', adopt: true }} />;
}
