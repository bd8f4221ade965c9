import type { Metadata } from 'next';
import { StackDetailView } from '@/components/stacks/stack-detail-view';

export const metadata: Metadata = { title: 'Stack' };

export default async function StackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StackDetailView id={decodeURIComponent(id)} />;
}
