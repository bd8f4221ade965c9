import type { Metadata } from 'next';
import { SetupView } from '@/components/auth/setup-view';

export const metadata: Metadata = { title: 'Set up' };

export default function SetupPage() {
  return <SetupView />;
}
