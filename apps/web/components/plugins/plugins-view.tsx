'use client';

import type { TPlugin } from '@berth/shared';
import { Puzzle } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useCanShared } from '@/lib/capabilities';
import { usePlugins, useRemovePlugin, useTogglePlugin } from '@/lib/plugin-queries';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { HostSelectField } from '../ui/host-select-field';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { ResourceTable, type Column } from '../ui/resource-table';
import { Skeleton } from '../ui/skeleton';
import { InstallPluginDialog } from './install-plugin-dialog';
import { PluginSettingsDialog } from './plugin-settings-dialog';

const ROW_HEIGHT = 56;

function PluginActions({
  hostId,
  plugin,
  onSettings,
  onRemove,
}: {
  hostId: string;
  plugin: TPlugin;
  onSettings: () => void;
  onRemove: () => void;
}) {
  const toggle = useTogglePlugin(hostId);
  // Plugins belong to everyone on a host: changing them needs the grant over every object.
  if (!useCanShared(hostId, 'plugin.install')) return null;
  return (
    <div className="flex items-center justify-end gap-1.5">
      <Button
        size="sm"
        disabled={toggle.isPending}
        onClick={() => toggle.mutate({ name: plugin.id, enable: !plugin.enabled })}
      >
        {plugin.enabled ? 'Disable' : 'Enable'}
      </Button>
      <Button size="sm" onClick={onSettings}>
        Settings
      </Button>
      <Button size="sm" variant="danger" onClick={onRemove}>
        Remove
      </Button>
      {toggle.error ? <ErrorNotice error={toggle.error} /> : null}
    </div>
  );
}

/** One host's managed plugins: install from a registry, enable, disable, settings, remove. */
export function PluginsView() {
  const [hostId, setHostId] = useState('');
  const [installing, setInstalling] = useState(false);
  const [settingsOf, setSettingsOf] = useState<TPlugin | null>(null);
  const [removing, setRemoving] = useState<TPlugin | null>(null);
  const plugins = usePlugins(hostId);
  const remove = useRemovePlugin(hostId);
  const canInstall = useCanShared(hostId, 'plugin.install');

  const columns = useMemo<readonly Column<TPlugin>[]>(
    () => [
      {
        id: 'name',
        header: 'Name',
        className: 'truncate',
        title: (p) => p.reference,
        cell: (p) => (
          <div className="flex min-w-0 flex-col">
            <span className="truncate font-mono text-[13px] text-fg">{p.name}</span>
            <span className="truncate text-xs text-muted">{p.description}</span>
          </div>
        ),
      },
      {
        id: 'tag',
        header: 'Tag',
        width: 'w-24',
        className: 'font-mono text-xs',
        cell: (p) => p.tag,
      },
      { id: 'type', header: 'Type', width: 'w-32', className: 'text-xs', cell: (p) => p.type },
      {
        id: 'enabled',
        header: 'State',
        width: 'w-28',
        cell: (p) => (
          <span
            className={`rounded px-1.5 py-0.5 text-xs ring-1 ${p.enabled ? 'bg-ok/10 text-ok ring-ok/25' : 'bg-surface-2 text-muted ring-border'}`}
          >
            {p.enabled ? 'enabled' : 'disabled'}
          </span>
        ),
      },
      {
        id: 'actions',
        header: <span className="sr-only">Actions</span>,
        width: 'w-64',
        cell: (p) => (
          <PluginActions
            hostId={hostId}
            plugin={p}
            onSettings={() => setSettingsOf(p)}
            onRemove={() => setRemoving(p)}
          />
        ),
      },
    ],
    [hostId],
  );

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Plugins"
        description="Managed engine plugins (volume, network, log drivers) of one host."
        actions={
          canInstall ? (
            <Button variant="primary" onClick={() => setInstalling(true)}>
              Install plugin
            </Button>
          ) : null
        }
      />
      <div className="max-w-xs">
        <HostSelectField
          label="Host"
          permission="plugin.list"
          value={hostId}
          onValueChange={setHostId}
        />
      </div>
      {hostId === '' ? (
        <EmptyState icon={Puzzle} title="Choose a host">
          Plugins are installed per host.
        </EmptyState>
      ) : plugins.error ? (
        <ErrorNotice error={plugins.error} />
      ) : !plugins.data ? (
        <Skeleton className="h-40" />
      ) : plugins.data.length === 0 ? (
        <EmptyState icon={Puzzle} title="No plugins on this host" />
      ) : (
        <Panel flush>
          <ResourceTable
            label="Plugins"
            columns={columns}
            rows={plugins.data}
            rowKey={(p) => p.id}
            rowHeight={ROW_HEIGHT}
            scrollClassName="max-h-[60vh]"
            tableClassName="w-full min-w-[52rem] table-fixed"
            testId="plugins-table"
          />
        </Panel>
      )}
      {hostId ? (
        <InstallPluginDialog
          open={installing}
          hostId={hostId}
          onClose={() => setInstalling(false)}
        />
      ) : null}
      {settingsOf ? (
        <PluginSettingsDialog
          hostId={hostId}
          plugin={settingsOf}
          onClose={() => setSettingsOf(null)}
        />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name ?? ''}?`}
        confirmLabel="Remove plugin"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => setRemoving(null),
          })
        }
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
      >
        The plugin is removed from the host even while enabled; volumes made with its driver stop
        working.
      </ConfirmDialog>
    </div>
  );
}
