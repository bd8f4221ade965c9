'use client';

import type { Permission } from '@berth/shared';
import { Scissors } from 'lucide-react';
import { Button } from './button';
import { HostSelectField } from './host-select-field';
import { TextField } from './text-field';

interface ResourceListToolbarProps {
  /** The permission a host must grant to be offered in the host filter. */
  listPermission: Permission;
  hostId: string;
  onHostChange: (hostId: string) => void;
  q: string;
  onQueryChange: (q: string) => void;
  /** Shown only when set: prune needs one host picked and the right to remove there. */
  onPrune?: (() => void) | undefined;
}

/** The filters above an inventory list (host, search) and its prune button. */
export function ResourceListToolbar({
  listPermission,
  hostId,
  onHostChange,
  q,
  onQueryChange,
  onPrune,
}: ResourceListToolbarProps) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="w-56">
        <HostSelectField
          label="Host"
          permission={listPermission}
          anyLabel="All hosts"
          value={hostId}
          onValueChange={onHostChange}
        />
      </div>
      <div className="w-64">
        <TextField label="Search" value={q} onValueChange={onQueryChange} placeholder="name" />
      </div>
      {onPrune ? (
        <Button onClick={onPrune}>
          <Scissors aria-hidden />
          Prune unused
        </Button>
      ) : null}
    </div>
  );
}
