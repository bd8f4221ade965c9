import { Box } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Stacks' };

export default function StacksPage() {
  return (
    <NotAvailable title="Stacks" icon={Box}>
      Compose stacks deployed through Berth will appear here.
    </NotAvailable>
  );
}
