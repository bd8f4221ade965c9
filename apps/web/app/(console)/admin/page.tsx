import { ShieldCheck } from 'lucide-react';
import type { Metadata } from 'next';
import { NotAvailable } from '@/components/not-available';

export const metadata: Metadata = { title: 'Admin' };

export default function AdminPage() {
  return (
    <NotAvailable title="Admin" icon={ShieldCheck}>
      Users, roles, API tokens and the audit log will be managed here.
    </NotAvailable>
  );
}
