'use client';

import type { TRegistry, TTagManifest } from '@berth/shared';
import { Container, Download, Trash2, X } from 'lucide-react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useCanAnywhere } from '@/lib/capabilities';
import { formatBytes, formatDateTime } from '@/lib/format';
import { useHosts } from '@/lib/queries';
import {
  usePullToHosts,
  useDeleteTag,
  useRepositories,
  useTagManifest,
  useTags,
} from '@/lib/registry-queries';
import { Button, buttonClassName } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { SearchBox } from '../ui/list-filters';
import { Panel } from '../ui/panel';
import { ResourceTable, type Column } from '../ui/resource-table';
import { Skeleton } from '../ui/skeleton';

const ROW_HEIGHT = 36;

interface RegistryBrowserProps {
  registry: TRegistry;
  onClose: () => void;
}

/** Repositories → tags → a tag's manifest, with delete and "pull to hosts" from a tag. */
export function RegistryBrowser({ registry, onClose }: RegistryBrowserProps) {
  const [repository, setRepository] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const repositories = useRepositories(registry.id);
  const [filter, setFilter] = useState('');
  const items = useMemo(() => {
    const all = repositories.data?.pages.flatMap((page) => page.items) ?? [];
    const wanted = filter.trim().toLowerCase();
    return wanted ? all.filter((item) => item.name.toLowerCase().includes(wanted)) : all;
  }, [repositories.data, filter]);
  const source = repositories.data?.pages[0]?.source;

  const repoColumns = useMemo(
    (): readonly Column<{ name: string }>[] => [
      {
        id: 'name',
        header: 'Repository',
        className: 'font-mono text-xs',
        title: (row) => row.name,
        cell: (row) => (
          <button
            type="button"
            className="w-full truncate text-left hover:text-accent"
            aria-pressed={row.name === repository}
            onClick={() => {
              setRepository(row.name);
              setTag(null);
            }}
          >
            {row.name}
          </button>
        ),
      },
    ],
    [repository],
  );

  return (
    <Panel
      title={`Browse ${registry.name}`}
      actions={
        <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close browser">
          <X aria-hidden />
        </Button>
      }
    >
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="flex flex-col gap-2">
          {source === 'hosts' ? (
            <p className="text-xs text-muted">
              The registry keeps its catalog to itself: these are the repositories seen on your
              hosts.
            </p>
          ) : null}
          <SearchBox
            label="Filter repositories"
            placeholder="Filter the repositories loaded"
            value={filter}
            onChange={setFilter}
            onDone={() => undefined}
          />
          {repositories.isPending ? <Skeleton className="h-40" /> : null}
          {repositories.isError ? <ErrorNotice error={repositories.error} /> : null}
          {repositories.isSuccess ? (
            items.length > 0 ? (
              <ResourceTable
                label="Repositories"
                columns={repoColumns}
                rows={items}
                rowKey={(row) => row.name}
                rowHeight={ROW_HEIGHT}
                hasMore={repositories.hasNextPage}
                loadingMore={repositories.isFetchingNextPage}
                onLoadMore={() => void repositories.fetchNextPage()}
                scrollClassName="max-h-96"
                tableClassName="w-full"
                testId="registry-repositories"
              />
            ) : (
              <p className="text-sm text-muted">
                {filter ? 'No repository loaded matches.' : 'No repositories.'}
              </p>
            )
          ) : null}
        </div>
        {repository ? (
          <TagList registry={registry} repository={repository} selected={tag} onSelect={setTag} />
        ) : (
          <p className="text-sm text-muted">Choose a repository.</p>
        )}
        {repository && tag ? (
          <TagDetails
            registry={registry}
            repository={repository}
            tag={tag}
            onDeleted={() => setTag(null)}
          />
        ) : null}
      </div>
    </Panel>
  );
}

interface TagListProps {
  registry: TRegistry;
  repository: string;
  selected: string | null;
  onSelect: (tag: string) => void;
}

function TagList({ registry, repository, selected, onSelect }: TagListProps) {
  const tags = useTags(registry.id, repository);
  const columns = useMemo(
    (): readonly Column<{ tag: string }>[] => [
      {
        id: 'tag',
        header: `Tags of ${repository}`,
        className: 'font-mono text-xs',
        cell: (row) => (
          <button
            type="button"
            className="w-full truncate text-left hover:text-accent"
            aria-pressed={row.tag === selected}
            onClick={() => onSelect(row.tag)}
          >
            {row.tag}
          </button>
        ),
      },
    ],
    [repository, selected, onSelect],
  );
  if (tags.isPending) return <Skeleton className="h-40" />;
  if (tags.isError) return <ErrorNotice error={tags.error} />;
  if (tags.data.items.length === 0) return <p className="text-sm text-muted">No tags.</p>;
  return (
    <ResourceTable
      label="Tags"
      columns={columns}
      rows={tags.data.items}
      rowKey={(row) => row.tag}
      rowHeight={ROW_HEIGHT}
      scrollClassName="max-h-96"
      tableClassName="w-full"
      testId="registry-tags"
    />
  );
}

interface TagDetailsProps {
  registry: TRegistry;
  repository: string;
  tag: string;
  onDeleted: () => void;
}

function TagDetails({ registry, repository, tag, onDeleted }: TagDetailsProps) {
  const manifest = useTagManifest(registry.id, repository, tag);
  const remove = useDeleteTag(registry.id, repository);
  const [confirming, setConfirming] = useState(false);
  const [pulling, setPulling] = useState(false);
  const canCreate = useCanAnywhere('container.create');
  const host = registry.serverAddress.split('/')[0];
  const reference = `${host}/${repository}:${tag}`;

  if (manifest.isPending) return <Skeleton className="h-40" />;
  if (manifest.isError) return <ErrorNotice error={manifest.error} />;
  const m = manifest.data;
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="registry-manifest">
      <ManifestFacts manifest={m} reference={reference} />
      <div className="flex flex-wrap gap-2">
        <Button size="sm" onClick={() => setPulling(true)}>
          <Download aria-hidden />
          Pull to hosts…
        </Button>
        {canCreate ? (
          <Link
            href={`/containers/new?image=${encodeURIComponent(reference)}`}
            className={buttonClassName('secondary', 'sm')}
          >
            <Container aria-hidden />
            Deploy as a container…
          </Link>
        ) : null}
        <Button size="sm" variant="danger" onClick={() => setConfirming(true)}>
          <Trash2 aria-hidden />
          Delete tag
        </Button>
      </div>
      {pulling ? <PullToHosts reference={reference} onClose={() => setPulling(false)} /> : null}
      <ConfirmDialog
        open={confirming}
        title={`Delete ${repository}:${tag}?`}
        confirmLabel="Delete"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          remove.reset();
          setConfirming(false);
        }}
        onConfirm={() =>
          remove.mutate(tag, {
            onSuccess: () => {
              setConfirming(false);
              onDeleted();
            },
          })
        }
      >
        The registry deletes the manifest <code className="break-all">{m.digest}</code>: every tag
        that points at it goes with it.
      </ConfirmDialog>
    </div>
  );
}

function ManifestFacts({ manifest, reference }: { manifest: TTagManifest; reference: string }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
      <dt className="text-muted">Image</dt>
      <dd className="font-mono text-xs break-all">{reference}</dd>
      <dt className="text-muted">Digest</dt>
      <dd className="font-mono text-xs break-all">{manifest.digest}</dd>
      <dt className="text-muted">Media type</dt>
      <dd className="font-mono text-xs break-all">{manifest.mediaType}</dd>
      <dt className="text-muted">Size</dt>
      <dd>{formatBytes(manifest.size)}</dd>
      {manifest.created ? (
        <>
          <dt className="text-muted">Created</dt>
          <dd>{formatDateTime(manifest.created)}</dd>
        </>
      ) : null}
      {manifest.platforms.length > 0 ? (
        <>
          <dt className="text-muted">Platforms</dt>
          <dd>
            <ul>
              {manifest.platforms.map((p) => (
                <li key={p.digest} className="font-mono text-xs">
                  {p.os}/{p.architecture}
                  {p.variant ? `/${p.variant}` : ''}
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      {manifest.layers.length > 0 ? (
        <>
          <dt className="text-muted">Layers</dt>
          <dd>
            <ol>
              {manifest.layers.map((layer) => (
                <li key={layer.digest} className="font-mono text-xs">
                  {layer.digest.slice(7, 19)} · {formatBytes(layer.size)}
                </li>
              ))}
            </ol>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function PullToHosts({ reference, onClose }: { reference: string; onClose: () => void }) {
  const hosts = useHosts();
  const pull = usePullToHosts();
  const [chosen, setChosen] = useState<string[]>([]);
  return (
    <div className="flex flex-col gap-2 rounded-md border border-border p-3">
      <p className="text-xs text-muted">Pull {reference} to:</p>
      {(hosts.data ?? []).map((host) => (
        <label key={host.id} className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={chosen.includes(host.id)}
            onChange={(event) =>
              setChosen(
                event.target.checked ? [...chosen, host.id] : chosen.filter((id) => id !== host.id),
              )
            }
            className="size-4 accent-[var(--accent)]"
          />
          {host.name}
        </label>
      ))}
      {pull.data ? (
        <ul className="text-xs" role="status">
          {pull.data.results.map((result) => (
            <li key={result.hostId} className={result.ok ? 'text-ok' : 'text-danger'}>
              {hosts.data?.find((h) => h.id === result.hostId)?.name ?? result.hostId}:{' '}
              {result.ok ? 'pulled' : (result.error?.message ?? 'failed')}
            </li>
          ))}
        </ul>
      ) : null}
      {pull.error ? <ErrorNotice error={pull.error} /> : null}
      <div className="flex justify-end gap-2">
        <Button size="sm" onClick={onClose}>
          Close
        </Button>
        <Button
          size="sm"
          variant="primary"
          disabled={chosen.length === 0 || pull.isPending}
          onClick={() => pull.mutate({ reference, hostIds: chosen })}
        >
          {pull.isPending ? 'Pulling…' : 'Pull'}
        </Button>
      </div>
    </div>
  );
}
