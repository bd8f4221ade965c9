import type { Metadata } from 'next';
import { HostPolicyView } from '@/components/admin/host-policy-view';

export const metadata: Metadata = { title: 'Host security policy · Admin' };

export default async function HostPolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <HostPolicyView id={id} />;
}
