import type { Metadata } from 'next';
import { StacksView } from '@/components/stacks/stacks-view';

export const metadata: Metadata = { title: 'Stacks' };

export default function StacksPage() {
  return <StacksView />;
}
