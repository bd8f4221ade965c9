import type { Metadata } from 'next';
import { NetworksView } from '@/components/networks/networks-view';

export const metadata: Metadata = { title: 'Networks' };

export default function NetworksPage() {
  return <NetworksView />;
}
