import type { TServiceLogLine, TServiceLogsSubscribe } from '@berth/shared';
import { useState } from 'react';
import { MAX_LOG_LINES, useLiveSubscription } from './container-live';

export interface ServiceLogEntry extends TServiceLogLine {
  seq: number;
  /** The task the line came from, as the merged log names it: the replica number or the node. */
  source: string;
}

let lastSeq = 0;

/** A line's source: `slot 2`, or for a global service's task its node's id, cut short. */
function sourceOf(line: TServiceLogLine): string {
  if (line.slot !== null) return `#${line.slot}`;
  if (line.nodeId) return line.nodeId.slice(0, 10);
  return line.taskId?.slice(0, 10) ?? '?';
}

/**
 * A swarm service's log merged across its tasks, live over `service-logs.subscribe` (the server
 * checks swarm.view on the manager host and reads the engine's service log once for every viewer
 * of the same request). A new request starts over.
 */
export function useServiceLogs(request: TServiceLogsSubscribe | null) {
  const key = request === null ? null : JSON.stringify(request);
  const [lines, setLines] = useState<{ key: string | null; items: ServiceLogEntry[] }>({
    key: null,
    items: [],
  });
  const status = useLiveSubscription('service-logs.subscribe', request, {
    onEvent: (pushed) => {
      if (pushed.name !== 'service-logs.lines') return;
      const batch = pushed.payload.lines.map((line) => ({
        ...line,
        seq: ++lastSeq,
        source: sourceOf(line),
      }));
      setLines((previous) => {
        const next = (previous.key === key ? previous.items : []).concat(batch);
        return {
          key,
          items: next.length > MAX_LOG_LINES ? next.slice(next.length - MAX_LOG_LINES) : next,
        };
      });
    },
  });
  return {
    lines: lines.key === key ? lines.items : [],
    status,
    clear: () => setLines({ key, items: [] }),
  };
}
