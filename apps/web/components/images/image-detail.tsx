'use client';

import { ROUTES, type TImageSummary } from '@berth/shared';
import { Download, Tag, Trash2, UploadCloud, X } from 'lucide-react';
import { useState } from 'react';
import { routeUrl } from '@/lib/api';
import { useCanShared } from '@/lib/capabilities';
import { formatBytes, formatDateTime } from '@/lib/format';
import { useImageHistory, useImageInspect } from '@/lib/image-queries';
import { Button, buttonClassName } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { RemoveDialog, TagDialog } from './image-dialogs';
import { imageName } from './image-table';
import { PushDialog } from './push-dialog';

/** One image on one host: its facts, its layers, and tag and remove for those allowed them. */
export function ImageDetail({ image, onClose }: { image: TImageSummary; onClose: () => void }) {
  const { hostId, id } = image;
  const inspect = useImageInspect(hostId, id);
  const history = useImageHistory(hostId, id);
  const canTag = useCanShared(hostId, 'image.push');
  const canRemove = useCanShared(hostId, 'image.delete');
  const [dialog, setDialog] = useState<'tag' | 'push' | 'remove' | null>(null);
  const name = imageName(image);
  const config = inspect.data;

  return (
    <Panel
      title={`${name} on ${image.hostName}`}
      actions={
        <div className="flex gap-2">
          <a
            href={routeUrl(ROUTES.saveImages, { params: { hostId }, query: { names: id } })}
            download
            className={buttonClassName('secondary')}
          >
            <Download aria-hidden />
            Save
          </a>
          {canTag ? (
            <Button onClick={() => setDialog('tag')}>
              <Tag aria-hidden />
              Tag
            </Button>
          ) : null}
          {canTag ? (
            <Button onClick={() => setDialog('push')}>
              <UploadCloud aria-hidden />
              Push
            </Button>
          ) : null}
          {canRemove ? (
            <Button variant="danger" onClick={() => setDialog('remove')}>
              <Trash2 aria-hidden />
              Remove
            </Button>
          ) : null}
          <Button variant="ghost" onClick={onClose} aria-label="Close the image">
            <X aria-hidden />
          </Button>
        </div>
      }
    >
      <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-muted">Id</dt>
        <dd className="truncate font-mono text-xs select-all">{id}</dd>
        <dt className="text-muted">Tags</dt>
        <dd className="font-mono text-xs">{image.repoTags.join(', ') || 'none (dangling)'}</dd>
        <dt className="text-muted">Size</dt>
        <dd>{formatBytes(image.size)}</dd>
        <dt className="text-muted">Created</dt>
        <dd>{formatDateTime(image.createdAt)}</dd>
        {config ? (
          <>
            <dt className="text-muted">Platform</dt>
            <dd>{[config.Os, config.Architecture].filter(Boolean).join('/') || '—'}</dd>
            <dt className="text-muted">Command</dt>
            <dd className="truncate font-mono text-xs">
              {[...(config.Config?.Entrypoint ?? []), ...(config.Config?.Cmd ?? [])].join(' ') ||
                '—'}
            </dd>
          </>
        ) : null}
      </dl>
      <h3 className="mt-4 mb-2 text-sm font-semibold">Layers</h3>
      {history.isPending ? (
        <Skeleton className="h-24" />
      ) : history.isError ? (
        <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
      ) : (
        <table className="w-full table-fixed text-sm" aria-label="Layers">
          <thead>
            <tr className="text-left text-xs text-muted">
              <th className="w-24 py-1 font-medium">Size</th>
              <th className="py-1 font-medium">Instruction</th>
              <th className="w-40 py-1 font-medium">Created</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((layer, index) => (
              <tr
                key={`${layer.id}-${index}`}
                data-empty={layer.empty || undefined}
                className="border-t border-border align-top"
              >
                <td className="py-1 tabular-nums">
                  {layer.empty ? (
                    <span className="text-muted">empty</span>
                  ) : (
                    formatBytes(layer.size)
                  )}
                </td>
                <td
                  className={`py-1 font-mono text-xs break-all ${layer.empty ? 'text-muted' : ''}`}
                >
                  {layer.createdBy || '—'}
                </td>
                <td className="py-1 text-xs text-muted">{formatDateTime(layer.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TagDialog
        open={dialog === 'tag'}
        hostId={hostId}
        id={id}
        name={name}
        onClose={() => setDialog(null)}
      />
      <PushDialog
        open={dialog === 'push'}
        hostId={hostId}
        id={id}
        repoTags={image.repoTags}
        onClose={() => setDialog(null)}
      />
      <RemoveDialog
        open={dialog === 'remove'}
        hostId={hostId}
        id={id}
        name={name}
        onClose={() => setDialog(null)}
        onRemoved={onClose}
      />
    </Panel>
  );
}
