import type { Metadata } from 'next';
import { StackEditView } from '@/components/stacks/stack-detail-view';

export const metadata: Metadata = { title: 'Edit stack' };

export default async function EditStackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StackEditView id={decodeURIComponent(id)} />;
}
