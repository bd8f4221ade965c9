import { performance } from 'node:perf_hooks';
import { send } from './http-client.mjs';

/**
 * A closed loop: `concurrency` clients each send the next request as soon as the previous one is
 * read to the end, until the time is up. Requests in flight at the deadline still finish and
 * count, and the elapsed time includes them, so throughput is not flattered.
 */
export async function runFor({ target, path, concurrency, durationMs }) {
  const samples = [];
  const failures = { count: 0, first: null };
  const start = performance.now();
  const deadline = start + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      try {
        const res = await send(target, { path });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        samples.push({ totalMs: res.totalMs, ttfbMs: res.ttfbMs, bytes: res.bytes });
      } catch (error) {
        failures.count += 1;
        failures.first ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { samples, failures, elapsedMs: performance.now() - start };
}
