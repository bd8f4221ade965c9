'use client';

import type { TUserAccount } from '@berth/shared';
import { Plus, Search, Users } from 'lucide-react';
import { useDeferredValue, useState } from 'react';
import { useUsers } from '@/lib/admin-queries';
import { useMe } from '@/lib/queries';
import { Button } from '../ui/button';
import { EmptyState } from '../ui/empty-state';
import { inputClassName } from '../ui/input-class-name';
import { Panel } from '../ui/panel';
import { AdminError } from './admin-error';
import { CreateUserForm } from './create-user-form';
import { DeleteUserDialog } from './delete-user-dialog';
import { LoadingBlock } from './loading-block';
import { UserEditDrawer } from './user-edit-drawer';
import { UserTable } from './user-table';

function matches(user: TUserAccount, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return [user.username, user.displayName, ...user.teams.map((team) => team.name)].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

export function UsersView() {
  const users = useUsers();
  const selfId = useMe().data?.user.id;
  const [creating, setCreating] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TUserAccount | null>(null);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  // The drawer follows the list, so it shows each change as soon as the list is refetched.
  const editing = users.data?.find((user) => user.id === editingId) ?? null;

  if (users.isPending) return <LoadingBlock label="Loading users" />;
  if (users.isError) return <AdminError error={users.error} onRetry={() => void users.refetch()} />;

  const visible = users.data.filter((user) => matches(user, deferredQuery));
  return (
    <div className="flex flex-col gap-5">
      {creating ? (
        <CreateUserForm onCreated={() => setCreating(false)} onCancel={() => setCreating(false)} />
      ) : null}
      <Panel
        flush
        title={`Users (${users.data.length})`}
        actions={
          <>
            <div className="relative">
              <Search
                aria-hidden
                className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-muted"
              />
              <input
                type="search"
                aria-label="Filter users"
                placeholder="Filter…  ( / )"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                className={`${inputClassName} h-7 w-48 pl-8 text-xs`}
              />
            </div>
            {creating ? null : (
              <Button size="sm" variant="primary" onClick={() => setCreating(true)}>
                <Plus aria-hidden />
                New user
              </Button>
            )}
          </>
        }
      >
        {visible.length > 0 ? (
          <UserTable
            users={visible}
            selfId={selfId}
            onEdit={(user) => setEditingId(user.id)}
            onDelete={setDeleting}
          />
        ) : users.data.length === 0 ? (
          <div className="p-4">
            <EmptyState icon={Users} title="No users" />
          </div>
        ) : (
          <p className="px-4 py-8 text-center text-sm text-muted">
            No user matches “{deferredQuery}”.
          </p>
        )}
      </Panel>
      <UserEditDrawer user={editing} selfId={selfId} onClose={() => setEditingId(null)} />
      <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
