'use client';

import type { TTeam, TUserAccount } from '@berth/shared';
import { UserMinus, UserPlus } from 'lucide-react';
import { useMemo, useState, type FormEvent } from 'react';
import { useAddTeamMember, useRemoveTeamMember } from '@/lib/admin-queries';
import { fieldErrorsFromError } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { ResourceTable, type Column } from '../ui/resource-table';
import { SelectField } from '../ui/select-field';

type TeamMember = TTeam['members'][number];

const ROW_HEIGHT = 45;

interface TeamMembersProps {
  team: TTeam;
  users: readonly TUserAccount[];
}

/** The members of one team, a remove button each, and a picker for users not in it yet. */
export function TeamMembers({ team, users }: TeamMembersProps) {
  const add = useAddTeamMember(team.id);
  const remove = useRemoveTeamMember(team.id);
  const [userId, setUserId] = useState('');
  const memberIds = new Set(team.members.map((member) => member.userId));
  const candidates = users.filter((user) => !memberIds.has(user.id));
  const addError = fieldErrorsFromError(add.error).userId;
  const removing = remove.isPending;
  const removeMember = remove.mutate;
  const columns = useMemo(
    (): readonly Column<TeamMember>[] => [
      {
        id: 'username',
        header: 'Username',
        className: 'truncate font-mono text-[13px]',
        title: (member) => member.username,
        cell: (member) => member.username,
      },
      {
        id: 'displayName',
        header: 'Display name',
        className: 'truncate',
        title: (member) => member.displayName,
        cell: (member) => member.displayName,
      },
      {
        id: 'actions',
        header: <span className="sr-only">Actions</span>,
        width: 'w-16',
        className: 'text-right',
        cell: (member) => (
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Remove ${member.username} from ${team.name}`}
            title="Remove from team"
            disabled={removing}
            onClick={() => removeMember(member.userId)}
          >
            <UserMinus aria-hidden />
          </Button>
        ),
      },
    ],
    [team.name, removing, removeMember],
  );

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (userId === '') return;
    add.mutate(userId, { onSuccess: () => setUserId('') });
  }

  return (
    <div className="flex flex-col gap-4">
      {team.members.length > 0 ? (
        <div className="overflow-hidden rounded-md border border-border">
          <ResourceTable
            label={`Members of ${team.name}`}
            scrollClassName="max-h-96"
            tableClassName="min-w-[28rem]"
            columns={columns}
            rows={team.members}
            rowKey={(member) => member.userId}
            rowHeight={ROW_HEIGHT}
          />
        </div>
      ) : (
        <p className="text-sm text-muted">No members yet.</p>
      )}
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      <form onSubmit={onAdd} className="flex items-start gap-2">
        <div className="flex-1">
          <SelectField
            label="User to add"
            value={userId}
            onValueChange={(value) => {
              add.reset();
              setUserId(value);
            }}
            error={addError}
            disabled={candidates.length === 0}
          >
            <option value="">
              {candidates.length === 0 ? 'Every user is a member' : 'Choose a user…'}
            </option>
            {candidates.map((user) => (
              <option key={user.id} value={user.id}>
                {user.username}
                {user.displayName !== user.username ? ` (${user.displayName})` : ''}
              </option>
            ))}
          </SelectField>
        </div>
        <Button type="submit" className="mt-5" disabled={userId === '' || add.isPending}>
          <UserPlus aria-hidden />
          {add.isPending ? 'Adding…' : 'Add member'}
        </Button>
      </form>
      {add.error && !addError ? <ErrorNotice error={add.error} /> : null}
    </div>
  );
}
