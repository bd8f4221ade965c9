import type { TContainerStats } from '@berth/shared';
import { formatPercent, formatRate } from './container-format';
import { formatBytes } from './format';

/** The time ranges the stats charts offer, in seconds. */
export const STATS_RANGES = [60, 300, 900] as const;
export type StatsRange = (typeof STATS_RANGES)[number];

/** Samples older than the longest range (and a little slack) are dropped as new ones come. */
export const STATS_KEPT_MS = (STATS_RANGES.at(-1)! + 10) * 1000;

export function rangeLabel(range: StatsRange): string {
  return `${range / 60} min`;
}

/** One point of a chart: the sample's time in ms and one value per series (`null`: no value). */
export type StatsPoint = { t: number } & Record<string, number | null>;

/**
 * The samples with one point each; rates are bytes per second between a sample and the one
 * before it (counters only grow; a restart of the counter counts as no traffic).
 */
export function toPoints(samples: readonly TContainerStats[]): StatsPoint[] {
  return samples.map((b, i) => {
    const a = i > 0 ? samples[i - 1]! : undefined;
    const seconds = a ? (Date.parse(b.at) - Date.parse(a.at)) / 1000 : 0;
    const rate = (pick: (s: TContainerStats) => number) =>
      a && seconds > 0 ? Math.max(0, (pick(b) - pick(a)) / seconds) : null;
    return {
      t: Date.parse(b.at),
      cpu: b.cpuPercent,
      memory: b.memoryUsage,
      rx: rate((s) => s.netRx),
      tx: rate((s) => s.netTx),
      read: rate((s) => s.blockRead),
      write: rate((s) => s.blockWrite),
    };
  });
}

/** The unit a chart's values are drawn in. */
export type StatsUnit = 'percent' | 'bytes' | 'bytesPerSecond';

export interface AxisScale {
  /** What the axis numbers are in: `%`, `MiB`, `KiB/s`… */
  unit: string;
  /** Values are divided by this to give the axis numbers. */
  divisor: number;
  /** Top of the axis, in the raw values. */
  top: number;
  /** Tick positions, in the raw values. */
  ticks: number[];
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A value axis from 0 to a round number at or above `max`, with at most 4 steps of 1, 2, 2.5 or 5
 * times a power of ten, in the largest byte unit the top reaches (or in %).
 */
export function axisScale(kind: StatsUnit, max: number): AxisScale {
  const floor = kind === 'percent' ? 1 : 1024;
  const wanted = Math.max(floor, Number.isFinite(max) ? max : 0);
  let divisor = 1;
  let unit: string = '%';
  if (kind !== 'percent') {
    let index = 0;
    while (wanted / divisor >= 1024 && index < BYTE_UNITS.length - 1) {
      divisor *= 1024;
      index += 1;
    }
    unit = kind === 'bytes' ? BYTE_UNITS[index]! : `${BYTE_UNITS[index]!}/s`;
  }
  const scaled = wanted / divisor;
  const rough = scaled / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const steps = Math.ceil(scaled / step - 1e-9);
  const ticks = Array.from({ length: steps + 1 }, (_, i) => i * step * divisor);
  return { unit, divisor, top: steps * step * divisor, ticks };
}

/** An axis number: at most two decimals, none when whole. */
export function formatTick(value: number, divisor: number): string {
  return String(Number((value / divisor).toFixed(2)));
}

/** Clock ticks across `[end - range, end]`, on whole multiples of a step that gives 4 to 6. */
export function timeTicks(end: number, range: StatsRange): { ticks: number[]; step: number } {
  const step = ((): number => {
    switch (range) {
      case 60:
        return 15_000;
      case 300:
        return 60_000;
      case 900:
        return 180_000;
    }
  })();
  const start = end - range * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return { ticks, step };
}

export function formatClock(ms: number, withSeconds = true): string {
  return new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  });
}

export function formatValue(unit: StatsUnit, value: number): string {
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytesPerSecond':
      return formatRate(value);
  }
}
