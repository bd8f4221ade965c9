'use client';

import type { TBuildLog } from '@berth/shared';
import { useEffect, useRef, useState } from 'react';
import { onBuildLog } from '@/lib/dashboard-socket';

/** Lines kept on screen; the first ones go when a build prints more. */
const MAX_LINES = 2_000;

export interface BuildLogState {
  lines: string[];
  done: boolean;
  error: string | null;
  id: string | null;
}

const EMPTY: BuildLogState = { lines: [], done: false, error: null, id: null };

/** The log of the build sent with `requestId`, as the engine prints it; empty until one is sent. */
export function useBuildLog(requestId: string | null): BuildLogState {
  const [state, setState] = useState<{ requestId: string | null; log: BuildLogState }>({
    requestId: null,
    log: EMPTY,
  });
  useEffect(() => {
    if (requestId === null) return;
    return onBuildLog((log: TBuildLog) => {
      if (log.requestId !== requestId) return;
      setState((previous) => {
        const before = previous.requestId === requestId ? previous.log : EMPTY;
        const lines = log.line ? [...before.lines, log.line].slice(-MAX_LINES) : before.lines;
        return {
          requestId,
          log: {
            lines,
            done: before.done || log.done === true,
            error: log.error ?? before.error,
            id: log.id ?? before.id,
          },
        };
      });
    });
  }, [requestId]);
  return state.requestId === requestId ? state.log : EMPTY;
}

/** The build's output, following the newest line while it runs. */
export function BuildLogView({ log, running }: { log: BuildLogState; running: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [log.lines.length]);
  return (
    <div className="flex flex-col gap-1" aria-live="polite">
      <div className="flex items-baseline justify-between text-xs">
        <span className="font-medium text-fg">
          {log.done ? (log.error ? 'Build failed' : 'Built') : running ? 'Building…' : 'Build log'}
        </span>
        {log.id ? <span className="truncate font-mono text-muted">{log.id}</span> : null}
      </div>
      <pre
        ref={ref}
        aria-label="Build log"
        className="max-h-64 min-h-24 overflow-auto rounded-md border border-border bg-surface-2/50 px-3 py-2 font-mono text-[11px] leading-relaxed whitespace-pre-wrap"
      >
        {log.lines.length > 0 ? log.lines.join('\n') : running ? 'Sending the context…' : ''}
      </pre>
      {log.error ? (
        <p className="text-xs text-danger" role="alert">
          {log.error}
        </p>
      ) : null}
    </div>
  );
}
