import type { TUserAccount } from '@berth/shared';
import { Pencil, Trash2 } from 'lucide-react';
import { Button } from '../ui/button';
import { NoValue, Table, Td, Th } from '../ui/table';
import { RelativeTime } from '../hosts/relative-time';
import { Tag } from './tag';

interface UserTableProps {
  users: readonly TUserAccount[];
  /** The signed-in administrator, who cannot delete their own account. */
  selfId: string | undefined;
  onEdit: (user: TUserAccount) => void;
  onDelete: (user: TUserAccount) => void;
}

export function UserTable({ users, selfId, onEdit, onDelete }: UserTableProps) {
  return (
    <Table label="Users">
      <thead>
        <tr>
          <Th>Username</Th>
          <Th>Display name</Th>
          <Th>Teams</Th>
          <Th>Admin</Th>
          <Th>Account</Th>
          <Th>Two-factor</Th>
          <Th>Created</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} className="hover:bg-surface-2/50">
            <Td className="font-mono text-[13px] whitespace-nowrap">
              {user.username}
              {user.id === selfId ? (
                <span className="ml-2 font-sans text-xs text-muted">(you)</span>
              ) : null}
            </Td>
            <Td>{user.displayName}</Td>
            <Td className="max-w-64">
              {user.teams.length > 0 ? (
                <span className="text-xs text-muted">
                  {user.teams.map((team) => team.name).join(', ')}
                </span>
              ) : (
                <NoValue />
              )}
            </Td>
            <Td>{user.isAdmin ? <Tag tone="accent">admin</Tag> : <NoValue />}</Td>
            <Td>
              {user.disabled ? <Tag tone="danger">disabled</Tag> : <Tag tone="ok">active</Tag>}
            </Td>
            <Td>{user.totpEnabled ? <Tag tone="ok">on</Tag> : <Tag tone="neutral">off</Tag>}</Td>
            <Td className="text-xs">
              <RelativeTime iso={user.createdAt} />
            </Td>
            <Td className="text-right whitespace-nowrap">
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
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
