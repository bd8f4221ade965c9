'use client';

import { REGISTRY_KIND_INFO, type TRegistry } from '@berth/shared';
import { FolderSearch, Package, Pencil, PlugZap, Plus, Trash2, Users } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useMe } from '@/lib/queries';
import { useRemoveRegistry, useRegistries, useTestRegistry } from '@/lib/registry-queries';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { ResourceTable, type Column } from '../ui/resource-table';
import { Skeleton } from '../ui/skeleton';
import { RegistryAccessDialog } from './registry-access-dialog';
import { RegistryBrowser } from './registry-browser';
import { RegistryForm } from './registry-form';
import { RegistryTestResult } from './registry-test-result';

const ROW_HEIGHT = 64;

/** What the page shows below the list: one form, the access dialog or the browser at a time. */
type Open =
  | { kind: 'add' }
  | { kind: 'edit'; registry: TRegistry }
  | { kind: 'access'; registry: TRegistry }
  | { kind: 'browse'; registry: TRegistry }
  | null;

export function RegistriesView() {
  const isAdmin = useMe().data?.user.isAdmin === true;
  return (
    <>
      <PageHeader
        title="Registries"
        description="Logins for the registries your hosts pull from and push to, and what is in them."
      />
      {isAdmin ? (
        <AdminRegistries />
      ) : (
        <EmptyState icon={Package} title="Administrators only">
          Registries are managed by global administrators.
        </EmptyState>
      )}
    </>
  );
}

function AdminRegistries() {
  const registries = useRegistries();
  const remove = useRemoveRegistry();
  const test = useTestRegistry();
  const [open, setOpen] = useState<Open>(null);
  const [removing, setRemoving] = useState<TRegistry | null>(null);
  const [tested, setTested] = useState<string | null>(null);

  const columns = useMemo((): readonly Column<TRegistry>[] => {
    return [
      {
        id: 'name',
        header: 'Registry',
        width: 'w-[28%]',
        cell: (r) => (
          <>
            <div className="truncate font-medium">{r.name}</div>
            <div className="text-xs text-muted">{REGISTRY_KIND_INFO[r.kind].label}</div>
          </>
        ),
      },
      {
        id: 'address',
        header: 'Address',
        className: 'truncate font-mono text-xs',
        title: (r) => r.serverAddress,
        cell: (r) => (
          <>
            {r.serverAddress}
            {r.insecure ? <span className="ml-2 text-warn">insecure</span> : null}
          </>
        ),
      },
      {
        id: 'login',
        header: 'Login',
        width: 'w-40',
        className: 'truncate text-xs',
        cell: (r) => (r.username ? r.username : <span className="text-muted">anonymous</span>),
      },
      {
        id: 'access',
        header: 'Used by',
        width: 'w-40',
        className: 'text-xs',
        cell: (r) => {
          const named = r.access.users.length + r.access.teams.length;
          const hosts = r.access.hostIds.length + r.access.hostGroups.length;
          return named === 0
            ? 'administrators'
            : `${named} user${named === 1 ? '' : 's'}/team${named === 1 ? '' : 's'}${hosts ? ` on ${hosts} host${hosts === 1 ? '' : 's'}/group${hosts === 1 ? '' : 's'}` : ''}`;
        },
      },
      {
        id: 'actions',
        header: <span className="sr-only">Actions</span>,
        width: 'w-64',
        cell: (r) => (
          <div className="flex justify-end gap-1">
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Test ${r.name}`}
              onClick={() => {
                setTested(r.id);
                test.mutate(r.id);
              }}
            >
              <PlugZap aria-hidden />
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Browse ${r.name}`}
              onClick={() => setOpen({ kind: 'browse', registry: r })}
            >
              <FolderSearch aria-hidden />
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Access to ${r.name}`}
              onClick={() => setOpen({ kind: 'access', registry: r })}
            >
              <Users aria-hidden />
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Edit ${r.name}`}
              onClick={() => setOpen({ kind: 'edit', registry: r })}
            >
              <Pencil aria-hidden />
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Remove ${r.name}`}
              onClick={() => setRemoving(r)}
            >
              <Trash2 aria-hidden />
            </Button>
          </div>
        ),
      },
    ];
  }, [test]);

  const testedRegistry = registries.data?.find((r) => r.id === tested);

  return (
    <div className="flex flex-col gap-5">
      {open === null ? (
        <div className="flex justify-end">
          <Button variant="primary" onClick={() => setOpen({ kind: 'add' })}>
            <Plus aria-hidden />
            Add registry
          </Button>
        </div>
      ) : null}
      {open?.kind === 'add' ? <RegistryForm onDone={() => setOpen(null)} /> : null}
      {open?.kind === 'edit' ? (
        <RegistryForm
          key={open.registry.id}
          registry={open.registry}
          onDone={() => setOpen(null)}
        />
      ) : null}
      {testedRegistry && (test.data || test.error) ? (
        <div className="flex flex-col gap-1">
          <p className="text-xs text-muted">Test of {testedRegistry.name}</p>
          {test.data ? <RegistryTestResult result={test.data} /> : null}
          {test.error ? <ErrorNotice error={test.error} /> : null}
        </div>
      ) : null}
      {registries.isPending ? <Skeleton className="h-32" /> : null}
      {registries.isError ? (
        <ErrorNotice error={registries.error} onRetry={() => void registries.refetch()} />
      ) : null}
      {registries.isSuccess && registries.data.length === 0 ? (
        <EmptyState icon={Package} title="No registries yet">
          Add Docker Hub, GitHub, GitLab, Quay, ECR or your own registry: hosts then pull and push
          with its login without anyone holding the password.
        </EmptyState>
      ) : null}
      {registries.isSuccess && registries.data.length > 0 ? (
        <Panel flush>
          <ResourceTable
            label="Registries"
            columns={columns}
            rows={registries.data}
            rowKey={(r) => r.id}
            rowHeight={ROW_HEIGHT}
            scrollClassName="max-h-[60vh]"
            tableClassName="w-full min-w-[48rem] table-fixed"
            testId="registries-table"
          />
        </Panel>
      ) : null}
      {open?.kind === 'browse' ? (
        <RegistryBrowser
          key={open.registry.id}
          registry={open.registry}
          onClose={() => setOpen(null)}
        />
      ) : null}
      {open?.kind === 'access' ? (
        <RegistryAccessDialog registry={open.registry} onClose={() => setOpen(null)} />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name ?? 'registry'}?`}
        confirmLabel="Remove registry"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
        onConfirm={() => {
          if (removing) remove.mutate(removing.id, { onSuccess: () => setRemoving(null) });
        }}
      >
        Berth forgets this registry and its login; pulls from it go anonymously from then on.
        Nothing in the registry is changed.
      </ConfirmDialog>
    </div>
  );
}
