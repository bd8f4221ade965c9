import type { TStack } from '@berth/shared';
import { useEffect, useRef, useState } from 'react';
import { MAX_LOG_LINES, type LogEntry } from './container-live';
import { subscribe, type LiveStatus } from './dashboard-socket';

/** One container whose log joins the stack's merged log, under the name its lines carry. */
export interface StackLogSource {
  containerId: string;
  /** The service's name, with the container's number when the service has more than one. */
  label: string;
  /** A container that is not running ends its stream; it is read again once it runs. */
  running: boolean;
}

export interface StackLogEntry extends LogEntry {
  source: string;
  /** The line's time as sortable text. */
  key: string;
}

/** Lines each container starts with when it joins the merged log. */
const TAIL = 100;

let lastSeq = 0;

/**
 * The containers of a stack's services, each named for the merged log. A container only created
 * (the replacement a deploy makes before it removes the old one) takes no number, so a recreated
 * service's lines keep the service's name.
 */
export function stackLogSources(stack: TStack): StackLogSource[] {
  return stack.services.flatMap((service) => {
    const numbered = service.containers.filter((c) => c.state !== 'created');
    return service.containers.map((container) => {
      const at = numbered.indexOf(container);
      return {
        containerId: container.id,
        label: numbered.length > 1 && at >= 0 ? `${service.name}-${at + 1}` : service.name,
        running: container.state === 'running',
      };
    });
  });
}

/**
 * An engine time (RFC 3339 in UTC, its fraction cut of trailing zeros) that sorts as text: the
 * fraction padded to nanoseconds.
 */
function timeKey(time: string | undefined): string {
  if (time === undefined) return '';
  const [, whole = time, fraction = ''] = /^([^.]*?)(?:\.(\d+))?Z$/.exec(time) ?? [];
  return `${whole}.${fraction.padEnd(9, '0')}`;
}

/** Where `line` goes among lines ordered by time: after every line not later than it. */
function insertAt(lines: StackLogEntry[], line: StackLogEntry): number {
  let at = lines.length;
  while (at > 0 && line.key !== '' && lines[at - 1]!.key > line.key) at--;
  return at;
}

/**
 * One live log of several containers of a host: each container's lines come through the same
 * `logs.subscribe` stream the container's log view uses (the server checks `container.logs` on
 * each), with timestamps, and are merged in time order, each line carrying its container's label.
 * A container that appears (a recreate) joins with its tail; one that goes leaves; the lines
 * already shown stay; one that starts again is read again from its newest line shown. A line is named as its container is named when it arrives (a service's
 * replicas are numbered only while there are several). Statuses are by container id.
 */
export function useStackLogs(hostId: string, sources: StackLogSource[], enabled: boolean) {
  const [lines, setLines] = useState<StackLogEntry[]>([]);
  const [statuses, setStatuses] = useState<Record<string, LiveStatus>>({});
  const open = useRef(new Map<string, { close: () => void; running: boolean }>());
  const labels = useRef(new Map<string, string>());
  /** The newest line's time per container: a stream opened again sends only what is newer. */
  const newest = useRef(new Map<string, string>());
  const sourcesKey = JSON.stringify(enabled ? sources : []);

  useEffect(() => {
    const wanted = new Map(
      (JSON.parse(sourcesKey) as StackLogSource[]).map((s) => [s.containerId, s]),
    );
    labels.current = new Map([...wanted].map(([id, s]) => [id, s.label]));
    for (const [containerId, stream] of open.current) {
      const source = wanted.get(containerId);
      // Kept while the container is there, unless it has started again since its stream ended.
      if (source && (stream.running || !source.running)) {
        stream.running = source.running;
        continue;
      }
      stream.close();
      open.current.delete(containerId);
      if (!source) setStatuses(({ [containerId]: _gone, ...rest }) => rest);
    }
    for (const [containerId, { running }] of wanted) {
      if (open.current.has(containerId)) continue;
      const close = subscribe(
        'logs.subscribe',
        { hostId, containerId, follow: true, tail: TAIL, timestamps: true },
        {
          onEvent: (pushed) => {
            if (pushed.name !== 'logs.lines') return;
            const source = labels.current.get(containerId) ?? containerId.slice(0, 12);
            const since = newest.current.get(containerId) ?? '';
            const fresh = pushed.payload.lines
              .map((line) => ({ ...line, seq: ++lastSeq, source, key: timeKey(line.time) }))
              .filter((entry) => entry.key === '' || entry.key > since);
            if (fresh.length === 0) return;
            const last = fresh.at(-1)!.key;
            if (last !== '') newest.current.set(containerId, last);
            setLines((previous) => {
              const next = previous.slice();
              for (const entry of fresh) next.splice(insertAt(next, entry), 0, entry);
              return next.length > MAX_LOG_LINES ? next.slice(next.length - MAX_LOG_LINES) : next;
            });
          },
          onStatus: (status) => setStatuses((previous) => ({ ...previous, [containerId]: status })),
        },
      );
      open.current.set(containerId, { close, running });
    }
  }, [hostId, sourcesKey]);

  useEffect(() => {
    const subscriptions = open.current;
    return () => {
      for (const stream of subscriptions.values()) stream.close();
      subscriptions.clear();
    };
  }, []);

  return { lines, statuses, clear: () => setLines([]) };
}
