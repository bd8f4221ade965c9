/** Added p50 latency a single client may feel, and throughput kept under load (see README). */
export const TARGETS = { addedP50Ms: 1, throughputRatio: 0.8 };

/**
 * The target a row is judged by, or null. One client shows the latency Berth adds (for a stream,
 * until its first byte); 32 clients show how much of the engine's throughput survives the hop.
 */
export function judge(row) {
  const { direct, gateway } = row;
  if (row.concurrency === 1) {
    const key = row.stream ? 'ttfbP50Ms' : 'p50Ms';
    const added = gateway[key] - direct[key];
    const what = row.stream ? 'added TTFB p50' : 'added p50';
    return verdict(added < TARGETS.addedP50Ms, `${what} ${ms(added)} < ${TARGETS.addedP50Ms} ms`);
  }
  if (row.concurrency >= 32) {
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
  const lines = [
    `Berth gateway bench — engine ${context.host} (${context.engineUrl}), ${context.containers} containers listed, ` +
      `${context.durationS} s per cell after ${context.warmupS} s warm-up, Berth LOG_LEVEL=${context.logLevel}`,
    '',
    table(
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
      ]),
    ),
  ];
  const streams = rows.filter((r) => r.stream);
  if (streams.length > 0) {
    lines.push(
      '',
      table(
        [
          'stream',
          'direct MB/s',
          'gateway MB/s',
          'gateway/direct %',
          'direct TTFB p50',
          'gateway TTFB p50',
          'added TTFB p50',
          'gateway TTFB p99',
        ],
        streams.map((r) => [
          r.label,
          num(r.direct.mbPerSec),
          num(r.gateway.mbPerSec),
          pct(r.gateway.mbPerSec / r.direct.mbPerSec),
          ms(r.direct.ttfbP50Ms),
          ms(r.gateway.ttfbP50Ms),
          ms(r.gateway.ttfbP50Ms - r.direct.ttfbP50Ms),
          ms(r.gateway.ttfbP99Ms),
        ]),
      ),
    );
  }
  lines.push(
    '',
    table(
      [
        'CPU, % of one core',
        'direct: bench',
        'dockerd',
        'gateway: bench',
        'berth',
        'dockerd',
        'berth CPU per request',
      ],
      rows.map((r) => [
        r.label,
        share(r.direct.cpu.bench),
        share(r.direct.cpu.dockerd),
        share(r.gateway.cpu.bench),
        share(r.gateway.cpu.berth),
        share(r.gateway.cpu.dockerd),
        r.gateway.cpu.berth === null ? '?' : ms((r.gateway.cpu.berth * 10) / r.gateway.reqPerSec),
      ]),
    ),
  );
  for (const r of rows) {
    if (r.direct.bytesPerResponse !== r.gateway.bytesPerResponse) {
      lines.push(
        `! ${r.label}: direct answered ${r.direct.bytesPerResponse} bytes, the gateway ${r.gateway.bytesPerResponse}`,
      );
    }
    for (const side of ['direct', 'gateway']) {
      if (r[side].failures > 0)
        lines.push(
          `! ${r.label} ${side}: ${r[side].failures} failed requests, first: ${r[side].firstFailure}`,
        );
    }
  }
  return lines.join('\n');
}

/** Plain columns, padded to the widest cell: readable in a terminal and pasteable into Markdown. */
function table(header, body) {
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
