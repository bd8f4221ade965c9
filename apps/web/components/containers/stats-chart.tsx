'use client';

import { memo } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipValueType,
} from 'recharts';
import { formatBytes } from '@/lib/format';
import {
  axisScale,
  formatClock,
  formatTick,
  formatValue,
  timeTicks,
  type StatsPoint,
  type StatsRange,
  type StatsUnit,
} from '@/lib/stats-series';

export interface StatsChartSeries {
  /** The point field the series is drawn from. */
  key: string;
  label: string;
  /** A CSS colour; theme variables follow light and dark mode. */
  color: string;
}

export interface StatsChartProps {
  /** The measure, named on the value axis with its unit: "Memory (MiB)". */
  measure: string;
  unit: StatsUnit;
  series: readonly StatsChartSeries[];
  /** The points within the range, oldest first. */
  points: readonly StatsPoint[];
  range: StatsRange;
  /** The right edge of the time axis, in ms. */
  end: number;
  /** A line across at this value (a memory limit), drawn when the values come near it. */
  limit?: number;
}

const AXIS_TEXT = { fill: 'var(--muted)', fontSize: 11 };
const HEIGHT = 200;
/** The limit line is drawn while the largest value is at least a quarter of it. */
const LIMIT_REACH = 4;

/**
 * One stats chart: a value axis in a unit chosen from the largest value shown, a clock axis over
 * the chosen range, a tooltip on hover or on arrow keys once the chart has focus.
 */
function StatsChart({ measure, unit, series, points, range, end, limit }: StatsChartProps) {
  let max = 0;
  for (const point of points) {
    for (const s of series) max = Math.max(max, point[s.key] ?? 0);
  }
  // A limit far above the values would flatten them to the floor; the card names it instead.
  const drawnLimit = limit && limit <= LIMIT_REACH * max ? limit : undefined;
  const scale = axisScale(unit, Math.max(max, drawnLimit ?? 0));
  const time = timeTicks(end, range);
  const withSeconds = time.step < 60_000;
  const tooltipValue = (value: TooltipValueType | undefined) =>
    typeof value === 'number' ? formatValue(unit, value) : String(value ?? '');
  return (
    <AreaChart
      responsive
      style={{ width: '100%', height: HEIGHT }}
      data={points}
      margin={{ top: 8, right: 8, bottom: 4, left: 0 }}
      title={`${measure} over the last ${range / 60} min`}
    >
      <CartesianGrid stroke="var(--border)" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        domain={[end - range * 1000, end]}
        ticks={time.ticks}
        tickFormatter={(t: number) => formatClock(t, withSeconds)}
        tick={AXIS_TEXT}
        stroke="var(--border-strong)"
        height={38}
        label={{ value: 'Time', position: 'insideBottom', offset: 0, ...AXIS_TEXT }}
      />
      <YAxis
        type="number"
        domain={[0, scale.top]}
        ticks={scale.ticks}
        tickFormatter={(v: number) => formatTick(v, scale.divisor)}
        tick={AXIS_TEXT}
        stroke="var(--border-strong)"
        width={56}
        label={{
          value: `${measure} (${scale.unit})`,
          angle: -90,
          position: 'insideLeft',
          style: { textAnchor: 'middle' },
          ...AXIS_TEXT,
        }}
      />
      <Tooltip
        isAnimationActive={false}
        labelFormatter={(t) => (typeof t === 'number' ? formatClock(t) : '')}
        formatter={(value, name) => [tooltipValue(value), name]}
        contentStyle={{
          background: 'var(--surface)',
          border: '1px solid var(--border-strong)',
          borderRadius: 6,
          fontSize: 12,
          color: 'var(--fg)',
        }}
        labelStyle={{ color: 'var(--muted)' }}
        cursor={{ stroke: 'var(--border-strong)' }}
      />
      {series.map((s) => (
        <Area
          key={s.key}
          dataKey={s.key}
          name={s.label}
          type="linear"
          stroke={s.color}
          strokeWidth={1.5}
          fill={s.color}
          fillOpacity={0.1}
          dot={false}
          activeDot={{ r: 3 }}
          isAnimationActive={false}
        />
      ))}
      {drawnLimit ? (
        <ReferenceLine
          y={drawnLimit}
          stroke="var(--danger)"
          strokeDasharray="4 3"
          label={{
            value: `limit ${formatBytes(drawnLimit)}`,
            position: 'insideTopRight',
            fill: 'var(--danger)',
            fontSize: 11,
          }}
        />
      ) : null}
    </AreaChart>
  );
}

export default memo(StatsChart);
