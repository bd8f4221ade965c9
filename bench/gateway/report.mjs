/** Added p50 latency a single client may feel, and throughput kept under load (see README). */
export const TARGETS = { addedP50Ms: 1, throughputRatio: 0.8 };

/**
 * The target a row is judged by, or null. One client shows the latency Berth adds (for a stream,
 * until its first byte); 32 clients show how much of the engine's throughput survives the hop.
 * A scenario may be judged by one of the two only (`judged`): the short log by its latency, the
 * 5 MiB log by its throughput.
 */
export function judge(row) {
  const { direct, gateway } = row;
  if (row.concurrency === 1 && row.judged !== 'throughput') {
    const key = row.stream ? 'ttfbP50Ms' : 'p50Ms';
    const added = gateway[key] - direct[key];
    const what = row.stream ? 'added TTFB p50' : 'added p50';
    return verdict(added < TARGETS.addedP50Ms, `${what} ${ms(added)} < ${TARGETS.addedP50Ms} ms`);
  }
  if (row.concurrency >= 32 && row.judged !== 'latency') {
    const key = row.stream ? 'mbPerSec' : 'reqPerSec';
    const ratio = gateway[key] / direct[key];
    const what = row.stream ? 'MB/s' : 'req/s';
    return verdict(
      ratio >= TARGETS.throughputRatio,
      `${what} ${pct(ratio)} ≥ ${pct(TARGETS.throughputRatio)}`,
    );
  }
  return null;
}

function verdict(pass, text) {
  return { pass, text: `${pass ? 'PASS' : 'FAIL'} ${text}` };
}

export function renderText(rows, context) {
  return [
    header(context),
    '',
    latencyTable(rows),
    '',
    streamTable(rows.filter((r) => r.stream)),
    '',
    cpuTable(rows),
    ...warnings(rows),
  ].join('\n');
}

function header(c) {
  return [
    `Berth gateway bench: engine ${c.host} (${c.engineUrl}), ${c.containers} containers listed ` +
      `(${kib(c.responseBytes.list)} per list), logs of ${kib(c.responseBytes.tail)} (tail=100) and ` +
      `${kib(c.responseBytes.logs)} per request`,
    `${c.durationS} s per cell after ${c.warmupS} s warm-up; Berth LOG_LEVEL=${c.logLevel}; ` +
      `${c.cores} cores shared by bench, Berth and dockerd; load average before ${c.loadAverage}`,
  ].join('\n');
}

function latencyTable(rows) {
  return table(
    [
      'scenario',
      'direct p50',
      'gateway p50',
      'added p50',
      'direct p99',
      'gateway p99',
      'direct req/s',
      'gateway req/s',
      'gateway/direct %',
      'target',
      'requests (direct/gateway)',
    ],
    rows.map((r) => [
      r.label,
      ms(r.direct.p50Ms),
      ms(r.gateway.p50Ms),
      ms(r.gateway.p50Ms - r.direct.p50Ms),
      ms(r.direct.p99Ms),
      ms(r.gateway.p99Ms),
      num(r.direct.reqPerSec),
      num(r.gateway.reqPerSec),
      pct(r.gateway.reqPerSec / r.direct.reqPerSec),
      r.verdict?.text ?? '',
      `${count(r.direct)} / ${count(r.gateway)}`,
    ]),
  );
}

/** Streams are judged by bytes per second and time to first byte rather than by whole requests. */
function streamTable(rows) {
  return table(
    [
      'stream',
      'direct MB/s',
      'gateway MB/s',
      'gateway/direct %',
      'direct TTFB p50',
      'gateway TTFB p50',
      'added TTFB p50',
      'direct TTFB p99',
      'gateway TTFB p99',
    ],
    rows.map((r) => [
      r.label,
      num(r.direct.mbPerSec),
      num(r.gateway.mbPerSec),
      pct(r.gateway.mbPerSec / r.direct.mbPerSec),
      ms(r.direct.ttfbP50Ms),
      ms(r.gateway.ttfbP50Ms),
      ms(r.gateway.ttfbP50Ms - r.direct.ttfbP50Ms),
      ms(r.direct.ttfbP99Ms),
      ms(r.gateway.ttfbP99Ms),
    ]),
  );
}

/** Where the two cores went: Berth's share is taken from the engine and the clients. */
function cpuTable(rows) {
  return table(
    [
      'CPU, % of one core',
      'direct: bench',
      'dockerd',
      'others',
      'gateway: bench',
      'berth',
      'dockerd',
      'others',
      'berth CPU / request',
      'berth CPU / MB',
    ],
    rows.map(({ label, direct, gateway }) => {
      const berthMsPerSecond = gateway.cpu.berth === null ? NaN : gateway.cpu.berth * 10;
      return [
        label,
        share(direct.cpu.bench),
        share(direct.cpu.dockerd),
        share(direct.cpu.others),
        share(gateway.cpu.bench),
        share(gateway.cpu.berth),
        share(gateway.cpu.dockerd),
        share(gateway.cpu.others),
        ms(berthMsPerSecond / gateway.reqPerSec),
        ms(berthMsPerSecond / gateway.mbPerSec),
      ];
    }),
  );
}

function warnings(rows) {
  const lines = [];
  for (const r of rows) {
    for (const side of ['direct', 'gateway']) {
      const cell = r[side];
      if (cell.failures > 0) {
        lines.push(`! ${r.label} ${side}: ${cell.failures} failed, first: ${cell.firstFailure}`);
      }
    }
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

function count(cell) {
  return cell.cut > 0 ? `${cell.requests}+${cell.cut} cut` : String(cell.requests);
}

function kib(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Plain columns, padded to the widest cell: readable in a terminal and pasteable into Markdown. */
export function table(header, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function ms(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)} ms` : '?';
}

function num(value) {
  return Number.isFinite(value) ? value.toFixed(value < 100 ? 1 : 0) : '?';
}

function pct(ratio) {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '?';
}

function share(percent) {
  return percent === null || percent === undefined ? '?' : `${percent.toFixed(0)} %`;
}
