import { readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks; 100 per second on every kernel this runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time of the processes that share the machine's cores during a cell: the load generator
 * (this process), Berth and dockerd, and what everything else on the machine used ("others"). With
 * two cores, CPU spent in Berth is CPU the engine and the clients do not get, which is what the
 * throughput ratio shows; a busy "others" means the cell was measured on a noisy machine.
 */
export class CpuMeter {
  constructor(pids) {
    this.pids = pids;
  }

  start() {
    const wall = performance.now();
    const self = process.cpuUsage();
    const machine = machineBusyMs();
    const before = Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => [name, cpuMs(pid)]),
    );
    return () => {
      const seconds = (performance.now() - wall) / 1000;
      const used = process.cpuUsage(self);
      const shares = { bench: (used.user + used.system) / 1000 / seconds / 10 };
      for (const [name, pid] of Object.entries(this.pids)) {
        const ms = cpuMs(pid) - before[name];
        shares[name] = Number.isNaN(ms) ? null : ms / seconds / 10;
      }
      const busy = (machineBusyMs() - machine) / seconds / 10;
      const ours = Object.values(shares).reduce((sum, share) => sum + (share ?? 0), 0);
      shares.others = Number.isNaN(busy) ? null : Math.max(0, busy - ours);
      return shares; // percent of one core
    };
  }
}

/**
 * utime + stime of a process, in ms; NaN when it is gone or unreadable. `{ tree: pid }` adds its
 * children (nginx's master does no work, its workers do).
 */
export function cpuMs(pid) {
  if (pid !== null && typeof pid === 'object') {
    return [pid.tree, ...childrenOf(pid.tree)].reduce((sum, one) => sum + cpuMs(one), 0);
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** All CPUs' busy time from /proc/stat (everything but idle and iowait), in ms. */
function machineBusyMs() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

export function readPid(path) {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
