import type { TContainerStats } from '@berth/shared';

/** One sample of `GET /containers/:id/stats` (the fields used; cgroup v1 and v2). */
export interface EngineStats {
  read?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: Record<string, number>;
  };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: {
    io_service_bytes_recursive?: { op?: string; value?: number }[] | null;
  };
  pids_stats?: { current?: number };
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/**
 * CPU %, memory, network and block I/O as `docker stats` computes them: CPU from the change since
 * the previous sample relative to the whole machine, times the CPUs; memory without the page
 * cache that can be reclaimed (inactive files).
 */
export function computeStats(raw: EngineStats): TContainerStats {
  const cpu = raw.cpu_stats;
  const pre = raw.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;

  const memory = raw.memory_stats ?? {};
  const stats = memory.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  const usage = memory.usage ?? 0;
  const memoryUsage = inactive < usage ? usage - inactive : usage;
  const memoryLimit = memory.limit ?? 0;

  let netRx = 0;
  let netTx = 0;
  for (const net of Object.values(raw.networks ?? {})) {
    netRx += net.rx_bytes ?? 0;
    netTx += net.tx_bytes ?? 0;
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry.op ?? '').toLowerCase();
    if (op === 'read') blockRead += entry.value ?? 0;
    else if (op === 'write') blockWrite += entry.value ?? 0;
  }
  return {
    cpuPercent: round(cpuPercent),
    memoryUsage,
    memoryLimit,
    memoryPercent: memoryLimit > 0 ? round((memoryUsage / memoryLimit) * 100) : 0,
    netRx,
    netTx,
    blockRead,
    blockWrite,
    pids: raw.pids_stats?.current ?? 0,
    at: raw.read && !raw.read.startsWith('0001') ? raw.read : new Date().toISOString(),
  };
}

/** Sums of several containers' latest samples; the limit is the largest (usually the host's). */
export function sumStats(samples: Iterable<TContainerStats>): TContainerStats {
  const total: TContainerStats = {
    cpuPercent: 0,
    memoryUsage: 0,
    memoryLimit: 0,
    memoryPercent: 0,
    netRx: 0,
    netTx: 0,
    blockRead: 0,
    blockWrite: 0,
    pids: 0,
    at: new Date().toISOString(),
  };
  for (const s of samples) {
    total.cpuPercent += s.cpuPercent;
    total.memoryUsage += s.memoryUsage;
    total.memoryLimit = Math.max(total.memoryLimit, s.memoryLimit);
    total.netRx += s.netRx;
    total.netTx += s.netTx;
    total.blockRead += s.blockRead;
    total.blockWrite += s.blockWrite;
    total.pids += s.pids;
  }
  total.cpuPercent = round(total.cpuPercent);
  total.memoryPercent =
    total.memoryLimit > 0 ? round((total.memoryUsage / total.memoryLimit) * 100) : 0;
  return total;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
