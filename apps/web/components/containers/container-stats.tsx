'use client';

import type { TContainerStats } from '@berth/shared';
import type { ReactNode } from 'react';
import { formatPercent, formatRate } from '@/lib/container-format';
import { STATS_WINDOW, useContainerStats } from '@/lib/container-live';
import { formatBytes } from '@/lib/format';
import { LiveStatusNote } from './live-status-note';
import { Sparkline, type SparkSeries } from './sparkline';

/** Bytes per second between consecutive samples of a counter that only grows. */
function rates(
  samples: readonly TContainerStats[],
  pick: (s: TContainerStats) => number,
): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const seconds = (Date.parse(b.at) - Date.parse(a.at)) / 1000;
    out.push(seconds > 0 ? Math.max(0, (pick(b) - pick(a)) / seconds) : 0);
  }
  return out;
}

/** Live CPU, memory, network and block I/O over about the last minute. */
export function ContainerStats({
  hostId,
  id,
  running,
}: {
  hostId: string;
  id: string;
  running: boolean;
}) {
  const { samples, status } = useContainerStats(hostId, id, running);
  if (!running) {
    return (
      <p className="text-sm text-muted">The container is not running: it uses no resources.</p>
    );
  }
  const last = samples.at(-1);
  const rx = rates(samples, (s) => s.netRx);
  const tx = rates(samples, (s) => s.netTx);
  const read = rates(samples, (s) => s.blockRead);
  const write = rates(samples, (s) => s.blockWrite);
  const memoryLimit = last?.memoryLimit ?? 0;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
        <LiveStatusNote status={status} label="Stats" />
        <span>
          {samples.length} sample{samples.length === 1 ? '' : 's'}, about one a second
        </span>
        {last ? <span>{last.pids} processes</span> : null}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <StatCard
          title="CPU"
          value={last ? formatPercent(last.cpuPercent) : '—'}
          detail="of one core = 100 %"
          series={[
            { label: 'CPU %', values: samples.map((s) => s.cpuPercent), tone: 'text-accent' },
          ]}
          max={100}
        />
        <StatCard
          title="Memory"
          value={last ? formatBytes(last.memoryUsage) : '—'}
          detail={
            last
              ? `of ${formatBytes(memoryLimit)} (${formatPercent(last.memoryPercent)})`
              : 'usage and limit'
          }
          series={[{ label: 'Memory', values: samples.map((s) => s.memoryUsage), tone: 'text-ok' }]}
        />
        <StatCard
          title="Network"
          value={
            <>
              ↓ {formatRate(rx.at(-1) ?? 0)} <span className="text-muted">·</span> ↑{' '}
              {formatRate(tx.at(-1) ?? 0)}
            </>
          }
          detail={
            last ? `${formatBytes(last.netRx)} received, ${formatBytes(last.netTx)} sent` : ''
          }
          series={[
            { label: 'received', values: rx, tone: 'text-accent' },
            { label: 'sent', values: tx, tone: 'text-warn' },
          ]}
        />
        <StatCard
          title="Block I/O"
          value={
            <>
              R {formatRate(read.at(-1) ?? 0)} <span className="text-muted">·</span> W{' '}
              {formatRate(write.at(-1) ?? 0)}
            </>
          }
          detail={
            last
              ? `${formatBytes(last.blockRead)} read, ${formatBytes(last.blockWrite)} written`
              : ''
          }
          series={[
            { label: 'read', values: read, tone: 'text-accent' },
            { label: 'written', values: write, tone: 'text-warn' },
          ]}
        />
      </div>
    </div>
  );
}

interface StatCardProps {
  title: string;
  value: ReactNode;
  detail: ReactNode;
  series: SparkSeries[];
  max?: number;
}

function StatCard({ title, value, detail, series, max }: StatCardProps) {
  return (
    <section
      aria-label={title}
      className="flex flex-col gap-2 rounded-lg border border-border bg-surface px-4 py-3"
    >
      <div className="flex items-baseline justify-between gap-3">
        <h3 className="text-xs font-medium text-muted">{title}</h3>
        {series.length > 1 ? (
          <div className="flex gap-3 text-[11px] text-muted">
            {series.map((s) => (
              <span key={s.label} className="inline-flex items-center gap-1">
                <span aria-hidden className={`h-0.5 w-3 bg-current ${s.tone}`} />
                {s.label}
              </span>
            ))}
          </div>
        ) : null}
      </div>
      <p className="font-mono text-lg font-semibold text-fg tabular-nums">{value}</p>
      <Sparkline
        series={series}
        slots={STATS_WINDOW}
        max={max}
        label={`${title} over the last minute`}
      />
      <p className="text-xs text-muted">{detail}</p>
    </section>
  );
}
