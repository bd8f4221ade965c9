'use client';

import { ROUTES, type TVolumeEntry } from '@berth/shared';
import { Download, File, Folder, Link2 } from 'lucide-react';
import { useState } from 'react';
import { routeUrl } from '@/lib/api';
import { formatBytes, formatDateTime } from '@/lib/format';
import { useVolumeFiles } from '@/lib/volume-queries';
import { buttonClassName } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { Table, Td, Th } from '../ui/table';

function join(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** The folders from the root down to `path`, each with its own path, for the breadcrumbs. */
function crumbsOf(path: string): { name: string; path: string }[] {
  const parts = path.split('/').filter(Boolean);
  return [
    { name: 'volume', path: '/' },
    ...parts.map((name, i) => ({ name, path: `/${parts.slice(0, i + 1).join('/')}` })),
  ];
}

function EntryIcon({ entry }: { entry: TVolumeEntry }) {
  const Icon = entry.type === 'directory' ? Folder : entry.type === 'symlink' ? Link2 : File;
  return <Icon aria-hidden className="size-4 shrink-0 text-muted" />;
}

/**
 * A volume's files, read-only: folders open in place, files and folders download (a folder as a
 * tar archive). The server reads them through a short-lived helper container.
 */
export function VolumeFileBrowser({ hostId, name }: { hostId: string; name: string }) {
  const [path, setPath] = useState('/');
  const listing = useVolumeFiles(hostId, name, path, true);
  const downloadUrl = (target: string) =>
    routeUrl(ROUTES.downloadVolumeFile, { params: { hostId, name }, query: { path: target } });

  return (
    <Panel
      title="Files"
      flush
      actions={
        <a
          href={downloadUrl(path)}
          download
          className={buttonClassName('secondary', 'sm')}
          aria-label={`Download ${path} as a tar archive`}
        >
          <Download aria-hidden />
          Download folder
        </a>
      }
    >
      <nav aria-label="Folder" className="flex flex-wrap items-center gap-1 px-4 py-2 text-sm">
        {crumbsOf(path).map((crumb, i, all) => (
          <span key={crumb.path} className="flex items-center gap-1">
            {i > 0 ? <span className="text-muted">/</span> : null}
            {i === all.length - 1 ? (
              <span aria-current="page" className="font-mono text-xs">
                {crumb.name}
              </span>
            ) : (
              <button
                type="button"
                className="font-mono text-xs text-accent hover:underline"
                onClick={() => setPath(crumb.path)}
              >
                {crumb.name}
              </button>
            )}
          </span>
        ))}
      </nav>
      {listing.isPending ? <Skeleton className="m-4 h-24" /> : null}
      {listing.isError ? (
        <div className="p-4">
          <ErrorNotice error={listing.error} onRetry={() => void listing.refetch()} />
        </div>
      ) : null}
      {listing.isSuccess && listing.data.entries.length === 0 ? (
        <p className="px-4 pb-4 text-sm text-muted">This folder is empty.</p>
      ) : null}
      {listing.isSuccess && listing.data.entries.length > 0 ? (
        <Table label="Files in the folder">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Size</Th>
              <Th>Mode</Th>
              <Th>Modified</Th>
              <Th>
                <span className="sr-only">Download</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {listing.data.entries.map((entry) => {
              const target = join(path, entry.name);
              return (
                <tr key={entry.name}>
                  <Td>
                    <span className="flex items-center gap-2">
                      <EntryIcon entry={entry} />
                      {entry.type === 'directory' ? (
                        <button
                          type="button"
                          className="font-mono text-xs hover:underline"
                          onClick={() => setPath(target)}
                        >
                          {entry.name}/
                        </button>
                      ) : (
                        <span className="font-mono text-xs">
                          {entry.name}
                          {entry.target ? (
                            <span className="text-muted"> → {entry.target}</span>
                          ) : null}
                        </span>
                      )}
                    </span>
                  </Td>
                  <Td className="text-xs">
                    {entry.type === 'file' ? formatBytes(entry.size) : '—'}
                  </Td>
                  <Td className="font-mono text-xs">{entry.mode}</Td>
                  <Td className="text-xs text-muted">
                    {entry.modifiedAt ? formatDateTime(entry.modifiedAt) : '—'}
                  </Td>
                  <Td className="text-right">
                    {entry.type === 'file' || entry.type === 'directory' ? (
                      <a
                        href={downloadUrl(target)}
                        download
                        className={buttonClassName('ghost', 'sm')}
                        aria-label={`Download ${entry.name}`}
                      >
                        <Download aria-hidden />
                      </a>
                    ) : null}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      ) : null}
    </Panel>
  );
}
