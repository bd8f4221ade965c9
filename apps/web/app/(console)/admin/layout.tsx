import type { ReactNode } from 'react';
import { AdminLayoutView } from '@/components/admin/admin-layout-view';

export default function AdminLayout({ children }: { children: ReactNode }) {
  return <AdminLayoutView>{children}</AdminLayoutView>;
}
