import { Network } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Networks' };

export default function NetworksPage() {
  return (
    <NotAvailable title="Networks" icon={Network}>
      Networks of every host will appear here.
    </NotAvailable>
  );
}
