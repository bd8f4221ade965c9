'use client';

import type { TGrant, TTeam } from '@berth/shared';
import { Trash2, UsersRound } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { grantScopeLabel } from '@/lib/admin-grant-form';
import { useDeleteTeam, useGrants, useTeams, useUsers } from '@/lib/admin-queries';
import { useHosts } from '@/lib/queries';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { EmptyState } from '../ui/empty-state';
import { Panel } from '../ui/panel';
import { AdminError } from './admin-error';
import { CreateTeamForm } from './create-team-form';
import { LoadingBlock } from './loading-block';
import { TeamMembers } from './team-members';

export function TeamsView() {
  const teams = useTeams();
  const users = useUsers();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TTeam | null>(null);

  if (teams.isPending || users.isPending) return <LoadingBlock label="Loading teams" />;
  if (teams.isError) return <AdminError error={teams.error} onRetry={() => void teams.refetch()} />;
  if (users.isError) return <AdminError error={users.error} onRetry={() => void users.refetch()} />;

  // The first team until one is picked, and again when the picked one is deleted.
  const selected = teams.data.find((team) => team.id === selectedId) ?? teams.data[0] ?? null;

  return (
    <div className="grid items-start gap-5 lg:grid-cols-[20rem_1fr]">
      <Panel title={`Teams (${teams.data.length})`}>
        <div className="flex flex-col gap-4">
          <CreateTeamForm onCreated={(team) => setSelectedId(team.id)} />
          {teams.data.length > 0 ? (
            <ul aria-label="Teams" className="-mx-2 flex flex-col gap-0.5">
              {teams.data.map((team) => {
                const current = team.id === selected?.id;
                return (
                  <li key={team.id}>
                    <button
                      type="button"
                      aria-current={current ? 'true' : undefined}
                      onClick={() => setSelectedId(team.id)}
                      className={`flex w-full items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm transition-colors ${
                        current
                          ? 'bg-surface-2 font-medium text-fg'
                          : 'text-muted hover:bg-surface-2 hover:text-fg'
                      }`}
                    >
                      <span className="truncate">{team.name}</span>
                      <span className="shrink-0 text-xs text-muted tabular-nums">
                        {team.members.length} member{team.members.length === 1 ? '' : 's'}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
      </Panel>
      {selected ? (
        <Panel
          title={selected.name}
          actions={
            <Button variant="ghost" size="sm" onClick={() => setDeleting(selected)}>
              <Trash2 aria-hidden />
              Delete team
            </Button>
          }
        >
          <div className="flex flex-col gap-6">
            <TeamMembers key={selected.id} team={selected} users={users.data} />
            <TeamGrants team={selected} />
          </div>
        </Panel>
      ) : (
        <EmptyState icon={UsersRound} title="No teams yet">
          Teams collect users, so a grant to a team reaches all of its members at once.
        </EmptyState>
      )}
      <DeleteTeamDialog team={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}

/** What the team may do where: read-only here, changed on the Grants page. */
function TeamGrants({ team }: { team: TTeam }) {
  const grants = useGrants(null);
  const hosts = useHosts();
  const hostName = (id: string) => hosts.data?.find((host) => host.id === id)?.name ?? id;
  const own: TGrant[] = grants.data?.filter((grant) => grant.teamId === team.id) ?? [];
  return (
    <section aria-label={`Grants of ${team.name}`} className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-fg">Grants</h3>
        <Link href="/admin/grants" className="text-xs text-accent hover:underline">
          Manage grants
        </Link>
      </div>
      {grants.isError ? (
        <AdminError error={grants.error} />
      ) : own.length > 0 ? (
        <ul className="flex flex-col gap-1 text-sm">
          {own.map((grant) => (
            <li key={grant.id}>
              <span className="font-medium text-fg">{grant.roleName}</span>
              <span className="text-muted"> on </span>
              {grantScopeLabel(grant, hostName)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted">
          {grants.isPending ? 'Loading…' : 'No grants: members get nothing from this team yet.'}
        </p>
      )}
    </section>
  );
}

function DeleteTeamDialog({ team, onClose }: { team: TTeam | null; onClose: () => void }) {
  const remove = useDeleteTeam();

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={team !== null}
      title={`Delete team ${team?.name ?? ''}?`}
      confirmLabel="Delete team"
      pending={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() => {
        if (team) remove.mutate(team.id, { onSuccess: close });
      }}
    >
      The team is deleted with its memberships and its grants: its members lose whatever access came
      only from this team. The user accounts stay.
    </ConfirmDialog>
  );
}
