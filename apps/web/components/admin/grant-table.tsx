'use client';

import type { TGrant } from '@berth/shared';
import { Trash2, User, UsersRound } from 'lucide-react';
import { useMemo } from 'react';
import { Button } from '../ui/button';
import { ResourceTable, type Column } from '../ui/resource-table';
import { RelativeTime } from '../hosts/relative-time';

interface GrantTableProps {
  grants: readonly TGrant[];
  subjectName: (grant: TGrant) => string;
  scopeLabel: (grant: TGrant) => string;
  onRemove: (grant: TGrant) => void;
}

const ROW_HEIGHT = 45;

export function GrantTable({ grants, subjectName, scopeLabel, onRemove }: GrantTableProps) {
  const columns = useMemo(
    (): readonly Column<TGrant>[] => [
      {
        id: 'who',
        header: 'Who',
        className: 'truncate',
        title: subjectName,
        cell: (grant) => {
          const Icon = grant.teamId ? UsersRound : User;
          return (
            <span className="inline-flex items-center gap-2">
              <Icon aria-hidden className="size-3.5 text-muted" />
              <span className="font-medium">{subjectName(grant)}</span>
              <span className="text-xs text-muted">{grant.teamId ? 'team' : 'user'}</span>
            </span>
          );
        },
      },
      {
        id: 'role',
        header: 'Role',
        width: 'w-48',
        className: 'truncate',
        title: (grant) => grant.roleName,
        cell: (grant) => grant.roleName,
      },
      {
        id: 'where',
        header: 'Where',
        width: 'w-56',
        className: 'truncate',
        title: scopeLabel,
        cell: scopeLabel,
      },
      {
        id: 'added',
        header: 'Added',
        width: 'w-32',
        className: 'truncate text-xs',
        cell: (grant) => <RelativeTime iso={grant.createdAt} />,
      },
      {
        id: 'actions',
        header: <span className="sr-only">Actions</span>,
        width: 'w-16',
        className: 'text-right',
        cell: (grant) => (
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Remove the grant of ${grant.roleName} to ${subjectName(grant)}`}
            title="Remove grant"
            onClick={() => onRemove(grant)}
          >
            <Trash2 aria-hidden />
          </Button>
        ),
      },
    ],
    [subjectName, scopeLabel, onRemove],
  );

  return (
    <ResourceTable
      label="Grants"
      scrollClassName="max-h-[min(70vh,48rem)]"
      tableClassName="min-w-[48rem]"
      columns={columns}
      rows={grants}
      rowKey={(grant) => grant.id}
      rowHeight={ROW_HEIGHT}
    />
  );
}
