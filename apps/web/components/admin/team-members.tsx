'use client';

import type { TTeam, TUserAccount } from '@berth/shared';
import { UserMinus, UserPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useAddTeamMember, useRemoveTeamMember } from '@/lib/admin-queries';
import { fieldErrorsFromError } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Table, Td, Th } from '../ui/table';
import { SelectField } from '../ui/select-field';

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

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (userId === '') return;
    add.mutate(userId, { onSuccess: () => setUserId('') });
  }

  return (
    <div className="flex flex-col gap-4">
      {team.members.length > 0 ? (
        <div className="overflow-hidden rounded-md border border-border">
          <Table label={`Members of ${team.name}`}>
            <thead>
              <tr>
                <Th>Username</Th>
                <Th>Display name</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {team.members.map((member) => (
                <tr
                  key={member.userId}
                  className="hover:bg-surface-2/50 [&:last-child>td]:border-0"
                >
                  <Td className="font-mono text-[13px]">{member.username}</Td>
                  <Td>{member.displayName}</Td>
                  <Td className="text-right">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove ${member.username} from ${team.name}`}
                      title="Remove from team"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(member.userId)}
                    >
                      <UserMinus aria-hidden />
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
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
