import { Layers } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Images' };

export default function ImagesPage() {
  return (
    <NotAvailable title="Images" icon={Layers}>
      Images of every host, with pull, tag and prune, will appear here.
    </NotAvailable>
  );
}
