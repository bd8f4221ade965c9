import type { TGrant } from '@berth/shared';
import { Trash2, User, UsersRound } from 'lucide-react';
import { Button } from '../ui/button';
import { Table, Td, Th } from '../ui/table';
import { RelativeTime } from '../hosts/relative-time';

interface GrantTableProps {
  grants: readonly TGrant[];
  subjectName: (grant: TGrant) => string;
  scopeLabel: (grant: TGrant) => string;
  onRemove: (grant: TGrant) => void;
}

export function GrantTable({ grants, subjectName, scopeLabel, onRemove }: GrantTableProps) {
  return (
    <Table label="Grants">
      <thead>
        <tr>
          <Th>Who</Th>
          <Th>Role</Th>
          <Th>Where</Th>
          <Th>Added</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody>
        {grants.map((grant) => {
          const Icon = grant.teamId ? UsersRound : User;
          const who = subjectName(grant);
          return (
            <tr key={grant.id} className="hover:bg-surface-2/50">
              <Td>
                <span className="inline-flex items-center gap-2">
                  <Icon aria-hidden className="size-3.5 text-muted" />
                  <span className="font-medium">{who}</span>
                  <span className="text-xs text-muted">{grant.teamId ? 'team' : 'user'}</span>
                </span>
              </Td>
              <Td>{grant.roleName}</Td>
              <Td>{scopeLabel(grant)}</Td>
              <Td className="text-xs">
                <RelativeTime iso={grant.createdAt} />
              </Td>
              <Td className="text-right">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove the grant of ${grant.roleName} to ${who}`}
                  title="Remove grant"
                  onClick={() => onRemove(grant)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
