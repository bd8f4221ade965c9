'use client';

import type { TGrant } from '@berth/shared';
import { KeyRound, Plus, ShieldCheck } from 'lucide-react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { grantScopeLabel } from '@/lib/admin-grant-form';
import { useDeleteGrant, useGrants, useRoles, useTeams, useUsers } from '@/lib/admin-queries';
import { useHosts } from '@/lib/queries';
import { Button, buttonClassName } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { EmptyState } from '../ui/empty-state';
import { Panel } from '../ui/panel';
import { AddGrantForm } from './add-grant-form';
import { AdminError } from './admin-error';
import { GrantTable } from './grant-table';
import { LoadingBlock } from './loading-block';
import { SelectField } from '../ui/select-field';

/** Grants, all of them or those reaching one host (`?host=<id>`, so the view can be linked). */
export function GrantsView() {
  const router = useRouter();
  const pathname = usePathname();
  const hostId = useSearchParams().get('host') || null;
  const hosts = useHosts();
  const users = useUsers();
  const teams = useTeams();
  const roles = useRoles();
  const grants = useGrants(hostId);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<TGrant | null>(null);

  const lists = [hosts, users, teams, roles] as const;
  const failed = lists.find((query) => query.isError);
  if (failed) return <AdminError error={failed.error} onRetry={() => void failed.refetch()} />;
  if (!hosts.data || !users.data || !teams.data || !roles.data) {
    return <LoadingBlock label="Loading grants" />;
  }

  const hostName = (id: string) => hosts.data.find((host) => host.id === id)?.name ?? id;
  const subjectName = (grant: TGrant) =>
    grant.teamId
      ? (teams.data.find((team) => team.id === grant.teamId)?.name ?? grant.teamId)
      : (users.data.find((user) => user.id === grant.userId)?.username ?? grant.userId ?? '?');
  const host = hostId ? hosts.data.find((candidate) => candidate.id === hostId) : undefined;

  function pickHost(id: string) {
    setAdding(false);
    router.replace(id ? `${pathname}?host=${encodeURIComponent(id)}` : pathname, {
      scroll: false,
    });
  }

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-72">
          <SelectField label="Show grants for" value={hostId ?? ''} onValueChange={pickHost}>
            <option value="">Every host</option>
            {hosts.data.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="flex flex-wrap gap-2">
          {host ? (
            <Link
              href={`/admin/hosts/${encodeURIComponent(host.id)}/policy`}
              className={buttonClassName('secondary')}
            >
              <ShieldCheck aria-hidden />
              Security policy of {host.name}
            </Link>
          ) : null}
          {adding ? null : (
            <Button variant="primary" onClick={() => setAdding(true)}>
              <Plus aria-hidden />
              Add grant
            </Button>
          )}
        </div>
      </div>
      {adding ? (
        <AddGrantForm
          key={hostId ?? '*'}
          hostId={hostId}
          hosts={hosts.data}
          users={users.data}
          teams={teams.data}
          roles={roles.data}
          onDone={() => setAdding(false)}
        />
      ) : null}
      <Panel
        flush
        title={
          host
            ? `Grants reaching ${host.name}`
            : hostId
              ? 'Grants reaching this host'
              : 'All grants'
        }
      >
        {host ? (
          <p className="border-b border-border px-4 py-2 text-xs text-muted">
            Grants on this host, on its group{host.group ? ` “${host.group}”` : ''} and on all
            hosts. Global administrators need none.
          </p>
        ) : null}
        {grants.isPending ? (
          <div className="p-4">
            <LoadingBlock label="Loading grants" rows={3} />
          </div>
        ) : grants.isError ? (
          <div className="p-4">
            <AdminError error={grants.error} onRetry={() => void grants.refetch()} />
          </div>
        ) : grants.data.length > 0 ? (
          <GrantTable
            grants={grants.data}
            subjectName={subjectName}
            scopeLabel={(grant) => grantScopeLabel(grant, hostName)}
            onRemove={setRemoving}
          />
        ) : (
          <div className="p-4">
            <EmptyState icon={KeyRound} title="No grants">
              Without a grant, users who are not administrators see nothing
              {host ? ` on ${host.name}` : ''}. Add one to give a user or a team a role.
            </EmptyState>
          </div>
        )}
      </Panel>
      <RemoveGrantDialog
        grant={removing}
        subjectName={removing ? subjectName(removing) : ''}
        onClose={() => setRemoving(null)}
      />
    </div>
  );
}

function RemoveGrantDialog({
  grant,
  subjectName,
  onClose,
}: {
  grant: TGrant | null;
  subjectName: string;
  onClose: () => void;
}) {
  const remove = useDeleteGrant();

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={grant !== null}
      title="Remove this grant?"
      confirmLabel="Remove grant"
      pending={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() => {
        if (grant) remove.mutate(grant.id, { onSuccess: close });
      }}
    >
      {subjectName} loses the role {grant?.roleName} there at once, unless another grant gives it.
    </ConfirmDialog>
  );
}
