import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { send } from './http-client.mjs';

/**
 * A closed loop: `concurrency` clients each send the next request as soon as the previous one is
 * read to the end, until the time is up. `path` is one path for all, or each client's own path
 * given its number. Requests in flight at the deadline may finish and count
 * (the elapsed time includes them, so throughput is not flattered), but only for another
 * `durationMs`: a slow stream at 32 clients could otherwise hold a cell for minutes. What is still
 * running then is cut; its bytes and first-byte time count, its duration does not.
 */
export async function runFor({ target, path, concurrency, durationMs }) {
  const cell = emptyCell();
  const stop = new AbortController();
  // Every request in flight listens on the one signal; 32 of them are expected, not a leak.
  setMaxListeners(concurrency + 10, stop.signal);
  const start = performance.now();
  const deadline = start + durationMs;
  const cap = setTimeout(() => stop.abort(), 2 * durationMs);
  const pathOf = typeof path === 'function' ? path : () => path;
  const client = async (_, number) => {
    const own = pathOf(number);
    while (performance.now() < deadline && !stop.signal.aborted) {
      await sendOnce(target, own, stop.signal, cell);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    clearTimeout(cap);
  }
  return { ...cell, elapsedMs: performance.now() - start };
}

/** What a cell gathers: latency samples, bytes, requests completed, cut and failed. */
export function emptyCell() {
  return {
    totals: [],
    ttfbs: [],
    bytes: 0,
    completed: 0,
    cut: 0,
    failures: 0,
    firstFailure: null,
  };
}

async function sendOnce(target, path, signal, cell) {
  try {
    const res = await send(target, { path, signal });
    cell.bytes += res.bytes;
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    cell.completed += 1;
    cell.totals.push(res.totalMs);
    cell.ttfbs.push(res.ttfbMs);
  } catch (error) {
    cell.bytes += error.bytes ?? 0;
    if (error.ttfbMs !== null && error.ttfbMs !== undefined) cell.ttfbs.push(error.ttfbMs);
    if (signal.aborted) {
      cell.cut += 1;
      return;
    }
    cell.failures += 1;
    cell.firstFailure ??= error.message;
  }
}
