'use client';

import dynamic from 'next/dynamic';
import { useMemo, useState, type ReactNode } from 'react';
import { formatSeconds } from '@/lib/container-format';
import { useContainerStats } from '@/lib/container-live';
import { formatBytes } from '@/lib/format';
import {
  formatValue,
  rangeLabel,
  STATS_RANGES,
  toPoints,
  type StatsPoint,
  type StatsRange,
  type StatsUnit,
} from '@/lib/stats-series';
import { Skeleton } from '../ui/skeleton';
import { SegmentedButtons } from '../ui/segmented-buttons';
import { LiveStatusNote } from './live-status-note';
import type { StatsChartSeries } from './stats-chart';

// The chart library is loaded with the Stats tab only, not with every container page.
const StatsChart = dynamic(() => import('./stats-chart'), {
  ssr: false,
  loading: () => <Skeleton className="h-[200px]" />,
});

const CPU: StatsChartSeries[] = [{ key: 'cpu', label: 'CPU', color: 'var(--accent)' }];
const MEMORY: StatsChartSeries[] = [{ key: 'memory', label: 'Memory', color: 'var(--ok)' }];
const NETWORK: StatsChartSeries[] = [
  { key: 'rx', label: 'received', color: 'var(--accent)' },
  { key: 'tx', label: 'sent', color: 'var(--warn)' },
];
const BLOCK_IO: StatsChartSeries[] = [
  { key: 'read', label: 'read', color: 'var(--accent)' },
  { key: 'write', label: 'written', color: 'var(--warn)' },
];

/** Live CPU, memory, network and block I/O charts over a chosen range of the samples held. */
export function ContainerStats({
  hostId,
  id,
  running,
  memoryLimit,
}: {
  hostId: string;
  id: string;
  running: boolean;
  /** The container's configured memory limit in bytes; 0 when it has none. */
  memoryLimit: number;
}) {
  const { samples, status } = useContainerStats(hostId, id, running);
  const [range, setRange] = useState<StatsRange>(STATS_RANGES[0]);
  const points = useMemo(() => toPoints(samples), [samples]);
  const end = points.at(-1)?.t ?? 0;
  const visible = useMemo(
    () => points.filter((p) => p.t >= end - range * 1000),
    [points, end, range],
  );
  if (!running) {
    return (
      <p className="text-sm text-muted">The container is not running: it uses no resources.</p>
    );
  }
  const last = samples.at(-1);
  const latest = points.at(-1);
  const held = points.length > 0 ? end - points[0]!.t : 0;
  const chart = (
    measure: string,
    unit: StatsUnit,
    series: readonly StatsChartSeries[],
    limit?: number,
  ) =>
    last ? (
      <StatsChart
        measure={measure}
        unit={unit}
        series={series}
        points={visible}
        range={range}
        end={end}
        limit={limit}
      />
    ) : (
      <Skeleton className="h-[200px]" />
    );
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-muted">
        <LiveStatusNote status={status} label="Stats" />
        <span>
          {samples.length} sample{samples.length === 1 ? '' : 's'}, about one a second
        </span>
        {last ? <span>{last.pids} processes</span> : null}
        <span className="flex-1" />
        <SegmentedButtons
          label="Time range"
          options={STATS_RANGES.map((r) => ({
            value: r,
            label: rangeLabel(r),
            title: `Last ${rangeLabel(r)}`,
          }))}
          value={range}
          onChange={setRange}
        />
      </div>
      <p className="text-xs text-muted">
        Samples are kept in this tab since it was opened, up to {rangeLabel(STATS_RANGES.at(-1)!)}.
        {held < range * 1000 - 2000 ? (
          <>
            {' '}
            <span className="text-warn">
              Only {formatSeconds(Math.round(held / 1000))} held so far of the last{' '}
              {rangeLabel(range)}.
            </span>
          </>
        ) : null}
      </p>
      <div className="grid gap-4 md:grid-cols-2">
        <StatCard
          title="CPU"
          value={last ? formatValue('percent', last.cpuPercent) : '—'}
          detail="100 % = one core"
          series={CPU}
        >
          {chart('CPU', 'percent', CPU)}
        </StatCard>
        <StatCard
          title="Memory"
          value={last ? formatValue('bytes', last.memoryUsage) : '—'}
          detail={
            memoryLimit > 0
              ? `of a ${formatBytes(memoryLimit)} limit${last ? ` (${formatValue('percent', last.memoryPercent)})` : ''}`
              : last && last.memoryLimit > 0
                ? `no limit set; the engine allows up to ${formatBytes(last.memoryLimit)}`
                : 'no limit set'
          }
          series={MEMORY}
        >
          {chart('Memory', 'bytes', MEMORY, memoryLimit > 0 ? memoryLimit : undefined)}
        </StatCard>
        <StatCard
          title="Network"
          value={<Pair series={NETWORK} point={latest} glyphs={['↓', '↑']} />}
          detail={
            last ? `${formatBytes(last.netRx)} received, ${formatBytes(last.netTx)} sent` : ''
          }
          series={NETWORK}
        >
          {chart('Network', 'bytesPerSecond', NETWORK)}
        </StatCard>
        <StatCard
          title="Block I/O"
          value={<Pair series={BLOCK_IO} point={latest} glyphs={['R', 'W']} />}
          detail={
            last
              ? `${formatBytes(last.blockRead)} read, ${formatBytes(last.blockWrite)} written`
              : ''
          }
          series={BLOCK_IO}
        >
          {chart('Block I/O', 'bytesPerSecond', BLOCK_IO)}
        </StatCard>
      </div>
    </div>
  );
}

/** The latest rates of a two-series chart, e.g. "↓ 1.2 KiB/s · ↑ 300 B/s". */
function Pair({
  series,
  point,
  glyphs,
}: {
  series: readonly StatsChartSeries[];
  point: StatsPoint | undefined;
  glyphs: readonly [string, string];
}) {
  const [a, b] = series.map((s) => formatValue('bytesPerSecond', point?.[s.key] ?? 0));
  return (
    <>
      {glyphs[0]} {a} <span className="text-muted">·</span> {glyphs[1]} {b}
    </>
  );
}

interface StatCardProps {
  title: string;
  value: ReactNode;
  detail: ReactNode;
  series: readonly StatsChartSeries[];
  children: ReactNode;
}

function StatCard({ title, value, detail, series, children }: StatCardProps) {
  return (
    <section
      aria-label={title}
      className="flex min-w-0 flex-col gap-2 rounded-lg border border-border bg-surface px-4 py-3"
    >
      <div className="flex items-baseline justify-between gap-3">
        <h3 className="text-xs font-medium text-muted">{title}</h3>
        {series.length > 1 ? (
          <div className="flex gap-3 text-[11px] text-muted">
            {series.map((s) => (
              <span key={s.key} className="inline-flex items-center gap-1">
                <span aria-hidden className="h-0.5 w-3" style={{ background: s.color }} />
                {s.label}
              </span>
            ))}
          </div>
        ) : null}
      </div>
      <p className="font-mono text-lg font-semibold text-fg tabular-nums">{value}</p>
      {children}
      <p className="text-xs text-muted">{detail}</p>
    </section>
  );
}
