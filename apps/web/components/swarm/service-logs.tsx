'use client';

import { useState } from 'react';
import { useServiceLogs } from '@/lib/service-logs';
import { compactInputClassName } from '../containers/compact-input';
import { LiveStatusNote } from '../containers/live-status-note';
import { MergedLogPanel } from '../containers/merged-log';

const TAILS = ['100', '500', '1000', 'all'] as const;

/** A service's log merged across its tasks, live, each line led by the replica it came from. */
export function ServiceLogs({ hostId, serviceId }: { hostId: string; serviceId: string }) {
  const [tail, setTail] = useState<(typeof TAILS)[number]>('100');
  const { lines, status, clear } = useServiceLogs({
    hostId,
    serviceId,
    follow: true,
    tail: tail === 'all' ? 'all' : Number(tail),
    timestamps: true,
  });
  return (
    <MergedLogPanel
      label="Service logs"
      lines={lines}
      clear={clear}
      sourceWidth={Math.max(0, ...lines.slice(-200).map((line) => line.source.length))}
      sources={
        <>
          <LiveStatusNote status={status} label="Following" />
          <label className="flex items-center gap-1.5 text-xs text-muted">
            Last
            <select
              value={tail}
              onChange={(event) => setTail(event.target.value as (typeof TAILS)[number])}
              className={`${compactInputClassName} h-8 py-0`}
            >
              {TAILS.map((value) => (
                <option key={value} value={value}>
                  {value === 'all' ? 'all lines' : `${value} lines per task`}
                </option>
              ))}
            </select>
          </label>
        </>
      }
    />
  );
}
