import type { Metadata } from 'next';
import { VolumesView } from '@/components/volumes/volumes-view';

export const metadata: Metadata = { title: 'Volumes' };

export default function VolumesPage() {
  return <VolumesView />;
}
