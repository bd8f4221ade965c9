'use client';

import {
  type TSystemPrunePreview,
  type TSystemPruneRequest,
  ZSystemPruneRequest,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm, useWatch } from 'react-hook-form';
import { formatBytes } from '@/lib/format';
import { usePrunePreview, useSystemPrune } from '@/lib/plugin-queries';
import { ActionDialog } from '../containers/action-dialog';
import { CheckboxField } from '../ui/checkbox-field';
import { SelectField } from '../ui/select-field';

const resolver = zodResolver(ZSystemPruneRequest);

const GROUPS: readonly { key: Exclude<keyof TSystemPrunePreview, 'reclaimable'>; label: string }[] =
  [
    { key: 'containers', label: 'Stopped containers' },
    { key: 'networks', label: 'Unused networks' },
    { key: 'volumes', label: 'Unused volumes (with their data)' },
    { key: 'images', label: 'Images' },
    { key: 'buildCache', label: 'Build cache' },
  ];

function PreviewList({ preview }: { preview: TSystemPrunePreview }) {
  const groups = GROUPS.filter((g) => preview[g.key].length > 0);
  if (groups.length === 0) return <p className="text-xs text-muted">Nothing would be removed.</p>;
  return (
    <div
      className="flex max-h-64 flex-col gap-2 overflow-auto rounded-md border border-border p-2"
      aria-label="What will be removed"
      role="region"
    >
      {groups.map((g) => (
        <div key={g.key}>
          <p className="text-xs font-medium text-fg">
            {g.label} ({preview[g.key].length})
          </p>
          <ul className="ml-3 text-xs">
            {preview[g.key].map((item) => (
              <li key={item.id} className="flex justify-between gap-3 font-mono">
                <span className="truncate">{item.name}</span>
                <span className="text-muted">
                  {item.size === null ? '' : formatBytes(item.size)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <p className="text-xs text-fg">About {formatBytes(preview.reclaimable)} would be freed.</p>
    </div>
  );
}

/**
 * A host-wide prune: the choices, then the list of what they would remove now, before anything is
 * removed. Objects that become unused meanwhile are removed too.
 */
export function HostPruneDialog({ hostId, onClose }: { hostId: string; onClose: () => void }) {
  const form = useForm<TSystemPruneRequest>({
    defaultValues: {
      images: 'dangling',
      containers: true,
      networks: true,
      volumes: false,
      buildCache: true,
    },
    resolver,
  });
  const choices = useWatch<TSystemPruneRequest>({ control: form.control });
  const preview = usePrunePreview(hostId, choices, true);
  const prune = useSystemPrune(hostId);
  const set = (key: 'containers' | 'networks' | 'volumes' | 'buildCache') => (checked: boolean) =>
    form.setValue(key, checked, { shouldDirty: true });

  return (
    <ActionDialog
      open
      title="Prune this host"
      confirmLabel={prune.data ? 'Close' : 'Prune'}
      variant="danger"
      pending={prune.isPending || preview.isFetching}
      error={prune.error ?? preview.error}
      onConfirm={() => {
        if (prune.data) onClose();
        else void form.handleSubmit((request) => prune.mutate(request))();
      }}
      onClose={onClose}
    >
      <div className="flex flex-col gap-3">
        <div className="grid grid-cols-2 gap-2">
          <CheckboxField
            label="Stopped containers"
            checked={choices.containers ?? true}
            onCheckedChange={set('containers')}
          />
          <CheckboxField
            label="Unused networks"
            checked={choices.networks ?? true}
            onCheckedChange={set('networks')}
          />
          <CheckboxField
            label="Unused volumes"
            checked={choices.volumes ?? false}
            onCheckedChange={set('volumes')}
          />
          <CheckboxField
            label="Build cache"
            checked={choices.buildCache ?? true}
            onCheckedChange={set('buildCache')}
          />
        </div>
        <SelectField
          label="Images"
          value={choices.images ?? 'dangling'}
          onValueChange={(value) => form.setValue('images', value as 'none' | 'dangling' | 'all')}
        >
          <option value="none">keep all images</option>
          <option value="dangling">untagged images no container uses</option>
          <option value="all">every image no container uses</option>
        </SelectField>
        {prune.data ? (
          <p className="text-sm text-ok" role="status">
            Removed {prune.data.containers.length} containers, {prune.data.networks.length}{' '}
            networks, {prune.data.volumes.length} volumes, {prune.data.images.length} images and{' '}
            {prune.data.buildCache.length} cache entries; {formatBytes(prune.data.spaceReclaimed)}{' '}
            freed.
          </p>
        ) : preview.data ? (
          <PreviewList preview={preview.data} />
        ) : (
          <p className="text-xs text-muted">Looking at what would be removed…</p>
        )}
      </div>
    </ActionDialog>
  );
}
