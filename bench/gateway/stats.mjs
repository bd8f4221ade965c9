/** Nearest-rank percentile over every sample (no reservoir, no histogram buckets). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** What the tables print for one cell (one side, one scenario, one concurrency). */
export function summarise({ samples, failures, elapsedMs }, cpu) {
  const totals = samples.map((s) => s.totalMs).sort((a, b) => a - b);
  const ttfbs = samples.map((s) => s.ttfbMs).sort((a, b) => a - b);
  const bytes = samples.reduce((sum, s) => sum + s.bytes, 0);
  const seconds = elapsedMs / 1000;
  return {
    requests: samples.length,
    failures: failures.count,
    firstFailure: failures.first,
    elapsedMs,
    p50Ms: percentile(totals, 50),
    p99Ms: percentile(totals, 99),
    ttfbP50Ms: percentile(ttfbs, 50),
    ttfbP99Ms: percentile(ttfbs, 99),
    reqPerSec: samples.length / seconds,
    mbPerSec: bytes / 1e6 / seconds,
    bytesPerResponse: samples.length > 0 ? Math.round(bytes / samples.length) : 0,
    cpu,
  };
}
