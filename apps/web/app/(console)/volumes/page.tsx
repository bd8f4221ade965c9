import { HardDrive } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Volumes' };

export default function VolumesPage() {
  return (
    <NotAvailable title="Volumes" icon={HardDrive}>
      Volumes of every host will appear here.
    </NotAvailable>
  );
}
