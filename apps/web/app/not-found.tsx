import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthCard } from '@/components/auth/auth-card';
import { buttonClassName } from '@/components/ui/button';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <AuthCard title="Page not found" description="There is nothing at this address.">
      <Link href="/" className={`${buttonClassName('primary')} w-full`}>
        Go to the dashboard
      </Link>
    </AuthCard>
  );
}
