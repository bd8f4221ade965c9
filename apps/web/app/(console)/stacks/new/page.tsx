import type { Metadata } from 'next';
import { StackForm } from '@/components/stacks/stack-form';

export const metadata: Metadata = { title: 'New stack' };

export default function NewStackPage() {
  return <StackForm />;
}
