'use client';

import { useContainerTop } from '@/lib/container-queries';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { Table, Td, Th } from '../ui/table';

/** `docker top`, refreshed every few seconds while the container runs. */
export function ContainerProcesses({
  hostId,
  id,
  running,
}: {
  hostId: string;
  id: string;
  running: boolean;
}) {
  const top = useContainerTop(hostId, id, running);
  if (!running) {
    return (
      <Panel title="Processes">
        <p className="text-sm text-muted">The container is not running.</p>
      </Panel>
    );
  }
  return (
    <Panel title="Processes" flush={Boolean(top.data?.processes.length)}>
      {top.isPending ? (
        <Skeleton className="h-16" />
      ) : top.isError ? (
        <ErrorNotice error={top.error} onRetry={() => void top.refetch()} />
      ) : top.data.processes.length === 0 ? (
        <p className="text-sm text-muted">No processes.</p>
      ) : (
        <Table label="Processes">
          <thead>
            <tr>
              {top.data.titles.map((title) => (
                <Th key={title}>{title}</Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {top.data.processes.map((process, row) => (
              <tr key={row}>
                {process.map((cell, column) => (
                  <Td
                    key={column}
                    className={`font-mono text-xs ${column === process.length - 1 ? 'break-all' : 'whitespace-nowrap'}`}
                  >
                    {cell}
                  </Td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}
