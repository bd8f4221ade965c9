import { describe, expect, it } from '@jest/globals';
import { computeStats, sumStats } from './container-stats.js';

describe('computeStats', () => {
  it('computes CPU %, memory without inactive files, network and block I/O', () => {
    const stats = computeStats({
      read: '2026-01-01T00:00:01Z',
      cpu_stats: { cpu_usage: { total_usage: 300 }, system_cpu_usage: 2000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 1000 },
      memory_stats: { usage: 1000, limit: 4000, stats: { total_inactive_file: 200 } },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'Read', value: 5 },
          { op: 'Write', value: 7 },
          { op: 'Total', value: 12 },
        ],
      },
      pids_stats: { current: 3 },
    });
    expect(stats).toEqual({
      cpuPercent: 40,
      memoryUsage: 800,
      memoryLimit: 4000,
      memoryPercent: 20,
      netRx: 11,
      netTx: 22,
      blockRead: 5,
      blockWrite: 7,
      pids: 3,
      at: '2026-01-01T00:00:01Z',
    });
  });

  it('answers zeros for a first sample or a stopped container', () => {
    const stats = computeStats({ read: '0001-01-01T00:00:00Z' });
    expect(stats).toMatchObject({ cpuPercent: 0, memoryUsage: 0, memoryPercent: 0, pids: 0 });
    expect(stats.at).not.toMatch(/^0001/);
  });

  it('sums samples and keeps the largest limit', () => {
    const one = computeStats({ memory_stats: { usage: 100, limit: 1000 } });
    const two = computeStats({ memory_stats: { usage: 300, limit: 1000 } });
    expect(sumStats([one, two])).toMatchObject({
      memoryUsage: 400,
      memoryLimit: 1000,
      memoryPercent: 40,
    });
  });
});
