'use client';

import type { TVolumeDetail } from '@berth/shared';
import { Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useCan } from '@/lib/capabilities';
import { formatBytes, formatDateTime } from '@/lib/format';
import { useRemoveVolume, useVolume } from '@/lib/volume-queries';
import { RecordTable } from '../networks/record-table';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { DetailLoader } from '../ui/detail-loader';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { NoValue, Table, Td, Th } from '../ui/table';
import { VolumeFileBrowser } from './volume-file-browser';

export function VolumeDetailView({ hostId, name }: { hostId: string; name: string }) {
  return (
    <DetailLoader backHref="/volumes" backLabel="Volumes" query={useVolume(hostId, name)}>
      {(volume) => <VolumeDetail volume={volume} />}
    </DetailLoader>
  );
}

function VolumeDetail({ volume }: { volume: TVolumeDetail }) {
  const router = useRouter();
  const { hostId } = volume;
  const mayRemove = useCan(hostId, 'volume.delete');
  const mayBrowse = useCan(hostId, 'volume.browse');
  const remove = useRemoveVolume(hostId);
  const [removing, setRemoving] = useState(false);

  return (
    <>
      <PageHeader
        title={volume.name}
        description={`${volume.driver} volume`}
        actions={
          mayRemove ? (
            <Button variant="danger" onClick={() => setRemoving(true)}>
              <Trash2 aria-hidden />
              Remove
            </Button>
          ) : null
        }
      />
      <div className="flex flex-col gap-5">
        <div className="grid gap-5 lg:grid-cols-2">
          <Panel title="Overview">
            <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">
              <dt className="text-muted">Driver</dt>
              <dd>{volume.driver}</dd>
              <dt className="text-muted">Scope</dt>
              <dd>{volume.scope}</dd>
              <dt className="text-muted">Mountpoint</dt>
              <dd className="font-mono text-xs break-all">{volume.mountpoint}</dd>
              <dt className="text-muted">Size</dt>
              <dd>{volume.size === null ? <NoValue /> : formatBytes(volume.size)}</dd>
              <dt className="text-muted">Created</dt>
              <dd>{volume.createdAt ? formatDateTime(volume.createdAt) : <NoValue />}</dd>
            </dl>
          </Panel>
          <Panel title="Used by" flush={volume.containers.length > 0}>
            {volume.containers.length > 0 ? (
              <Table label="Containers using the volume">
                <thead>
                  <tr>
                    <Th>Container</Th>
                    <Th>Mounted at</Th>
                    <Th>Mode</Th>
                  </tr>
                </thead>
                <tbody>
                  {volume.containers.map((c) => (
                    <tr key={`${c.id}:${c.destination}`}>
                      <Td>
                        <Link
                          href={`/containers/${hostId}/${c.id}`}
                          className="font-medium hover:underline"
                        >
                          {c.name}
                        </Link>
                      </Td>
                      <Td className="font-mono text-xs">{c.destination}</Td>
                      <Td className="text-xs">{c.readOnly ? 'read-only' : 'read-write'}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : (
              <p className="text-sm text-muted">No container uses this volume.</p>
            )}
          </Panel>
          <RecordTable title="Driver options" record={volume.options} />
          <RecordTable title="Labels" record={volume.labels} />
        </div>
        {mayBrowse ? <VolumeFileBrowser hostId={hostId} name={volume.name} /> : null}
      </div>
      <ConfirmDialog
        open={removing}
        title={`Remove ${volume.name}?`}
        confirmLabel="Remove volume"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          remove.reset();
          setRemoving(false);
        }}
        onConfirm={() => remove.mutate(volume.name, { onSuccess: () => router.push('/volumes') })}
      >
        The volume and everything stored in it are deleted. The engine refuses while a container
        uses it.
      </ConfirmDialog>
    </>
  );
}
