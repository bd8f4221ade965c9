'use client';

import type { TSwarmNode } from '@berth/shared';
import Link from 'next/link';
import { useNodeTasks } from '@/lib/swarm-queries';
import { ErrorNotice } from '../ui/error-notice';
import { Skeleton } from '../ui/skeleton';
import { NoValue, Table, Td, Th } from '../ui/table';
import { serviceHref } from './service-format';

/** The tasks the swarm placed on one node, of every service, newest first. */
export function NodeTasks({ hostId, node }: { hostId: string; node: TSwarmNode }) {
  const tasks = useNodeTasks(hostId, node.id);
  return (
    <div className="border-t border-border">
      <h3 className="px-4 pt-3 pb-2 text-sm font-semibold text-fg">Tasks on {node.hostname}</h3>
      {tasks.isPending ? <Skeleton className="mx-4 mb-4 h-16" /> : null}
      {tasks.isError ? (
        <div className="px-4 pb-4">
          <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
        </div>
      ) : null}
      {tasks.data ? (
        <Table label={`Tasks on ${node.hostname}`}>
          <thead>
            <tr>
              <Th>Service</Th>
              <Th>Slot</Th>
              <Th>State</Th>
              <Th>Desired</Th>
              <Th>Error</Th>
            </tr>
          </thead>
          <tbody>
            {tasks.data.map((task) => (
              <tr key={task.id}>
                <Td>
                  <Link
                    href={serviceHref(hostId, task.serviceId)}
                    className="text-accent hover:underline"
                  >
                    {task.serviceName ?? task.serviceId.slice(0, 12)}
                  </Link>
                </Td>
                <Td className="text-xs">{task.slot ?? <NoValue />}</Td>
                <Td className="text-xs">{task.state}</Td>
                <Td className="text-xs">{task.desiredState}</Td>
                <Td className="text-xs text-danger">{task.error ?? ''}</Td>
              </tr>
            ))}
            {tasks.data.length === 0 ? (
              <tr>
                <Td colSpan={5} className="text-muted">
                  No task on this node.
                </Td>
              </tr>
            ) : null}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}
