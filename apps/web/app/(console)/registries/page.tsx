import type { Metadata } from 'next';
import { RegistriesView } from '@/components/registries/registries-view';

export const metadata: Metadata = { title: 'Registries' };

export default function RegistriesPage() {
  return <RegistriesView />;
}
