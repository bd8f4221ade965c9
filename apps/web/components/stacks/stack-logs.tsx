'use client';

import type { TStack } from '@berth/shared';
import { stackLogSources, useStackLogs } from '@/lib/stack-logs';
import { LiveStatusNote } from '../containers/live-status-note';
import { colourOf, MergedLogPanel } from '../containers/merged-log';

/** The live logs of every container of a stack in one view, each line led by its container. */
export function StackLogs({ stack }: { stack: TStack }) {
  const sources = stackLogSources(stack);
  const { lines, statuses, clear } = useStackLogs(stack.hostId, sources, true);
  return (
    <MergedLogPanel
      label="Stack logs"
      lines={lines}
      clear={clear}
      sourceWidth={Math.max(0, ...sources.map((s) => s.label.length))}
      sources={
        <>
          {sources.length === 0 ? (
            <span className="text-xs text-muted">No container to read.</span>
          ) : null}
          {sources.map(({ containerId, label }) => (
            <span key={containerId} className="inline-flex items-center gap-1.5 text-xs">
              <span className={`font-mono font-medium ${colourOf(label)}`}>{label}</span>
              <LiveStatusNote status={statuses[containerId] ?? { state: 'connecting' }} />
            </span>
          ))}
        </>
      }
    />
  );
}
