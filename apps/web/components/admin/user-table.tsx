'use client';

import type { TUserAccount } from '@berth/shared';
import { Pencil, Trash2 } from 'lucide-react';
import { useMemo } from 'react';
import { Button } from '../ui/button';
import { ResourceTable, type Column } from '../ui/resource-table';
import { NoValue } from '../ui/table';
import { RelativeTime } from '../hosts/relative-time';
import { Tag } from './tag';

interface UserTableProps {
  users: readonly TUserAccount[];
  /** The signed-in administrator, who cannot delete their own account. */
  selfId: string | undefined;
  onEdit: (user: TUserAccount) => void;
  onDelete: (user: TUserAccount) => void;
}

const ROW_HEIGHT = 45;

export function UserTable({ users, selfId, onEdit, onDelete }: UserTableProps) {
  const columns = useMemo(
    (): readonly Column<TUserAccount>[] => [
      {
        id: 'username',
        header: 'Username',
        width: 'w-48',
        className: 'truncate font-mono text-[13px] whitespace-nowrap',
        title: (user) => user.username,
        cell: (user) => (
          <>
            {user.username}
            {user.id === selfId ? (
              <span className="ml-2 font-sans text-xs text-muted">(you)</span>
            ) : null}
          </>
        ),
      },
      {
        id: 'displayName',
        header: 'Display name',
        className: 'truncate',
        title: (user) => user.displayName,
        cell: (user) => user.displayName,
      },
      {
        id: 'teams',
        header: 'Teams',
        className: 'truncate',
        title: (user) => user.teams.map((team) => team.name).join(', ') || undefined,
        cell: (user) =>
          user.teams.length > 0 ? (
            <span className="text-xs text-muted">
              {user.teams.map((team) => team.name).join(', ')}
            </span>
          ) : (
            <NoValue />
          ),
      },
      {
        id: 'admin',
        header: 'Admin',
        width: 'w-24',
        cell: (user) => (user.isAdmin ? <Tag tone="accent">admin</Tag> : <NoValue />),
      },
      {
        id: 'account',
        header: 'Account',
        width: 'w-28',
        cell: (user) =>
          user.disabled ? <Tag tone="danger">disabled</Tag> : <Tag tone="ok">active</Tag>,
      },
      {
        id: 'totp',
        header: 'Two-factor',
        width: 'w-28',
        cell: (user) =>
          user.totpEnabled ? <Tag tone="ok">on</Tag> : <Tag tone="neutral">off</Tag>,
      },
      {
        id: 'created',
        header: 'Created',
        width: 'w-32',
        className: 'truncate text-xs',
        cell: (user) => <RelativeTime iso={user.createdAt} />,
      },
      {
        id: 'actions',
        header: <span className="sr-only">Actions</span>,
        width: 'w-24',
        className: 'text-right whitespace-nowrap',
        cell: (user) => (
          <>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Edit ${user.username}`}
              title="Edit user"
              onClick={() => onEdit(user)}
            >
              <Pencil aria-hidden />
            </Button>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Delete ${user.username}`}
              title={user.id === selfId ? 'You cannot delete your own account' : 'Delete user'}
              disabled={user.id === selfId}
              onClick={() => onDelete(user)}
            >
              <Trash2 aria-hidden />
            </Button>
          </>
        ),
      },
    ],
    [selfId, onEdit, onDelete],
  );

  return (
    <ResourceTable
      label="Users"
      scrollClassName="max-h-[min(70vh,48rem)]"
      tableClassName="min-w-[60rem]"
      columns={columns}
      rows={users}
      rowKey={(user) => user.id}
      rowHeight={ROW_HEIGHT}
    />
  );
}
