import { Container } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Containers' };

export default function ContainersPage() {
  return (
    <NotAvailable title="Containers" icon={Container}>
      Containers of every host, with start, stop, logs and exec, will appear here.
    </NotAvailable>
  );
}
