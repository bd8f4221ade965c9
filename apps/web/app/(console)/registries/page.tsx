import { Package } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Registries' };

export default function RegistriesPage() {
  return (
    <NotAvailable title="Registries" icon={Package}>
      Stored registry credentials for pulling and pushing will appear here.
    </NotAvailable>
  );
}
