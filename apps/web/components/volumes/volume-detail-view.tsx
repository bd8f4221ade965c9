'use client';

import type { TVolumeDetail } from '@berth/shared';
import Link from 'next/link';
import { useCan } from '@/lib/capabilities';
import { formatBytes, formatDateTime } from '@/lib/format';
import { useRemoveVolume, useVolume } from '@/lib/volume-queries';
import { RecordTable } from '../networks/record-table';
import { DetailLoader } from '../ui/detail-loader';
import { Panel } from '../ui/panel';
import { RemovableDetail } from '../ui/removable-detail';
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
  const { hostId } = volume;
  const mayRemove = useCan(hostId, 'volume.delete');
  const mayBrowse = useCan(hostId, 'volume.browse');
  const remove = useRemoveVolume(hostId);

  return (
    <RemovableDetail
      title={volume.name}
      description={`${volume.driver} volume`}
      what="volume"
      listHref="/volumes"
      mayRemove={mayRemove}
      remove={remove}
      target={volume.name}
      warning="The volume and everything stored in it are deleted. The engine refuses while a container uses it."
    >
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
    </RemovableDetail>
  );
}
