/** Nearest-rank percentile over every sample (no reservoir, no histogram buckets). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** What the tables print for one cell (one side, one scenario, one concurrency). */
export function summarise(cell, cpu) {
  const totals = [...cell.totals].sort((a, b) => a - b);
  const ttfbs = [...cell.ttfbs].sort((a, b) => a - b);
  const seconds = cell.elapsedMs / 1000;
  return {
    requests: cell.completed,
    cut: cell.cut,
    failures: cell.failures,
    firstFailure: cell.firstFailure,
    elapsedMs: cell.elapsedMs,
    p50Ms: percentile(totals, 50),
    p99Ms: percentile(totals, 99),
    ttfbP50Ms: percentile(ttfbs, 50),
    ttfbP99Ms: percentile(ttfbs, 99),
    reqPerSec: cell.completed / seconds,
    mbPerSec: cell.bytes / 1e6 / seconds,
    bytes: cell.bytes,
    cpu,
  };
}
