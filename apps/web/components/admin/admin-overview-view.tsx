'use client';

import type { LucideIcon } from 'lucide-react';
import { KeyRound, ScrollText, ShieldCheck, Users, UsersRound } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useAuditLog, useGrants, useRoles, useTeams, useUsers } from '@/lib/admin-queries';
import { NoValue, Table, Td, Th } from '../ui/table';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { RelativeTime } from '../hosts/relative-time';
import { AdminError } from './admin-error';
import { AuditOutcomeTag } from './audit-outcome';

const RECENT = 8;

/** Counts per section, each a way in, and the latest audit records. */
export function AdminOverviewView() {
  const users = useUsers();
  const teams = useTeams();
  const roles = useRoles();
  const grants = useGrants(null);
  const recent = useAuditLog({}, RECENT);

  const failed = [users, teams, roles, grants].find((query) => query.isError);
  if (failed) return <AdminError error={failed.error} onRetry={() => void failed.refetch()} />;

  const admins = users.data?.filter((user) => user.isAdmin).length ?? 0;
  const disabled = users.data?.filter((user) => user.disabled).length ?? 0;
  const withoutTotp = users.data?.filter((user) => !user.totpEnabled && !user.disabled).length;
  const custom = roles.data?.filter((role) => !role.builtIn).length ?? 0;
  const events = recent.data?.pages[0]?.items ?? [];

  return (
    <div className="flex flex-col gap-5">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
        <SectionCard
          href="/admin/users"
          icon={Users}
          title="Users"
          count={users.data?.length}
          detail={`${admins} admin${admins === 1 ? '' : 's'} · ${disabled} disabled${
            withoutTotp ? ` · ${withoutTotp} without two-factor` : ''
          }`}
        />
        <SectionCard
          href="/admin/teams"
          icon={UsersRound}
          title="Teams"
          count={teams.data?.length}
          detail="Grants to a team reach all of its members."
        />
        <SectionCard
          href="/admin/roles"
          icon={ShieldCheck}
          title="Roles"
          count={roles.data?.length}
          detail={`${custom} custom, the rest built in.`}
        />
        <SectionCard
          href="/admin/grants"
          icon={KeyRound}
          title="Grants"
          count={grants.data?.length}
          detail="Who may do what on which hosts."
        />
      </div>
      <Panel
        flush
        title="Recent activity"
        actions={
          <Link href="/admin/audit" className="text-xs text-accent hover:underline">
            Open the audit log
          </Link>
        }
      >
        {recent.isError ? (
          <div className="p-4">
            <AdminError error={recent.error} onRetry={() => void recent.refetch()} />
          </div>
        ) : recent.isPending ? (
          <div className="flex flex-col gap-2 p-4" aria-busy="true" aria-label="Loading">
            <Skeleton className="h-6" />
            <Skeleton className="h-6" />
            <Skeleton className="h-6" />
          </div>
        ) : (
          <Table label="Recent activity">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Outcome</Th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id} className="[&:last-child>td]:border-0">
                  <Td className="text-xs">
                    <RelativeTime iso={event.time} />
                  </Td>
                  <Td>{event.actor.name}</Td>
                  <Td className="font-mono text-[13px]">{event.action}</Td>
                  <Td className="max-w-72 truncate font-mono text-xs">
                    {event.target ?? <NoValue />}
                  </Td>
                  <Td>
                    <AuditOutcomeTag outcome={event.outcome} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Panel>
      <p className="flex items-center gap-2 text-xs text-muted">
        <ScrollText aria-hidden className="size-3.5" />
        Host security policies are on each host&apos;s page and on the Grants page when a host is
        picked.
      </p>
    </div>
  );
}

function SectionCard({
  href,
  icon: Icon,
  title,
  count,
  detail,
}: {
  href: string;
  icon: LucideIcon;
  title: string;
  count: number | undefined;
  detail: ReactNode;
}) {
  return (
    <Link
      href={href}
      className="group flex flex-col gap-1.5 rounded-lg border border-border bg-surface p-4 transition-colors hover:border-border-strong hover:bg-surface-2/40"
    >
      <span className="flex items-center gap-2 text-sm text-muted group-hover:text-fg">
        <Icon aria-hidden className="size-4" />
        {title}
      </span>
      <span className="text-2xl font-semibold text-fg tabular-nums">{count ?? '…'}</span>
      <span className="text-xs text-muted">{detail}</span>
    </Link>
  );
}
