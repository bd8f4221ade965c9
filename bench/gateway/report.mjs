/**
 * The targets (see README): a single client feels less than 0.5 ms added at p50, and under
 * load the gateway keeps 90 % of the engine's own throughput and at least what a plain nginx
 * reverse proxy to the same socket gets.
 */
export const TARGETS = { addedP50Ms: 0.5, throughputRatio: 0.9, nginxRatio: 1 };

/**
 * What a row is judged by, as rows of the summary table (section, measurement, Berth, reference,
 * ratio, target, pass). One client shows the latency Berth adds (for a stream, until its first
 * byte); 32 clients show how much of the engine's and of nginx's throughput survives the hop. The
 * 5 MiB log is judged by its throughput only (`judged: 'throughput'`); rows that are not judged
 * (`judged: 'none'`, or not a judged measurement) still show the gateway against the engine and
 * nginx, with no target.
 */
export function judge(row) {
  const { direct, nginx, gateway, label } = row;
  if (row.concurrency === 1) {
    if (row.judged === 'throughput') {
      return [check(`${label} MB/s`, gateway.mbPerSec, direct.mbPerSec, 'MB/s', 'direct')];
    }
    const key = row.stream ? 'ttfbP50Ms' : 'p50Ms';
    const p99 = row.stream ? 'ttfbP99Ms' : 'p99Ms';
    const what = row.stream ? 'TTFB p50 / p99' : 'p50 / p99';
    const added = gateway[key] - direct[key];
    const both = (cell) => `${ms(cell[key])} / ${ms(cell[p99])}`;
    // What any Node hop adds, where the cell measured one: the part of Berth's added time that is
    // Berth's own shows against it.
    const node = row.node
      ? [
          {
            measurement: `${label} ${what}`,
            berth: both(gateway),
            reference: `bare Node proxy ${both(row.node)}`,
            ratio: signedMs(gateway[key] - row.node[key]),
            target: '',
            pass: null,
          },
        ]
      : [];
    return [
      {
        measurement: `${label} ${what}`,
        berth: both(gateway),
        reference: `direct ${both(direct)}`,
        ratio: signedMs(added),
        target: `added p50 < ${TARGETS.addedP50Ms} ms`,
        pass: added < TARGETS.addedP50Ms,
      },
      {
        measurement: `${label} ${what}`,
        berth: both(gateway),
        reference: `nginx ${both(nginx)}`,
        ratio: signedMs(gateway[key] - nginx[key]),
        target: '',
        pass: null,
      },
      ...node,
    ];
  }
  const key = row.stream && row.judged === 'throughput' ? 'mbPerSec' : 'reqPerSec';
  const unit = key === 'mbPerSec' ? 'MB/s' : 'req/s';
  // Rows judged 'none' show the same two comparisons without a target.
  const [toDirect, toNginx] =
    row.judged === 'none' ? [null, null] : [TARGETS.throughputRatio, TARGETS.nginxRatio];
  const measurement = `${label} ${unit}`;
  return [
    check(measurement, gateway[key], direct[key], unit, 'direct', toDirect),
    check(measurement, gateway[key], nginx[key], unit, 'nginx', toNginx),
  ];
}

/** What the gateway adds (or, under noise, takes away) at p50. */
function signedMs(value) {
  return `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;
}

function check(measurement, berth, reference, unit, referenceName, minRatio = null) {
  const ratio = berth / reference;
  return {
    measurement,
    berth: `${num(berth)} ${unit}`,
    reference: `${referenceName} ${num(reference)} ${unit}`,
    ratio: pct(ratio),
    target: minRatio === null ? '' : `≥ ${pct(minRatio)} of ${referenceName}`,
    pass: minRatio === null ? null : ratio >= minRatio,
  };
}

/** The target column of the gateway's own table: every judged check of the row, in one cell. */
function verdictText(row) {
  return row.checks
    .filter((c) => c.pass !== null)
    .map((c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.target}`)
    .join('; ');
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
    '',
    nodeTable(rows.filter((r) => r.node)),
    ...warnings(rows),
  ].join('\n');
}

function header(c) {
  return [
    `Berth gateway bench: engine ${c.host} (${c.engineUrl}), ${c.containers} containers listed ` +
      `(${kib(c.responseBytes.list)} per list), logs of ${kib(c.responseBytes.tail)} (tail=100) and ` +
      `${kib(c.responseBytes.logs)} per request`,
    `${c.rounds} interleaved rounds of ${c.durationS} s per cell, ${c.warmupS} s warm-up first; Berth LOG_LEVEL=${c.logLevel}; ` +
      `${c.cores} cores shared by bench, nginx, Berth and dockerd; load average before ${c.loadAverage}`,
  ].join('\n');
}

function latencyTable(rows) {
  return table(
    [
      'scenario',
      'direct p50',
      'nginx p50',
      'gateway p50',
      'added p50',
      'direct p99',
      'nginx p99',
      'gateway p99',
      'direct req/s',
      'nginx req/s',
      'gateway req/s',
      'gateway/direct',
      'gateway/nginx',
      'target',
      'requests (direct/nginx/gateway)',
    ],
    rows.map((r) => [
      r.label,
      ms(r.direct.p50Ms),
      ms(r.nginx.p50Ms),
      ms(r.gateway.p50Ms),
      ms(r.gateway.p50Ms - r.direct.p50Ms),
      ms(r.direct.p99Ms),
      ms(r.nginx.p99Ms),
      ms(r.gateway.p99Ms),
      num(r.direct.reqPerSec),
      num(r.nginx.reqPerSec),
      num(r.gateway.reqPerSec),
      pct(r.gateway.reqPerSec / r.direct.reqPerSec),
      pct(r.gateway.reqPerSec / r.nginx.reqPerSec),
      verdictText(r),
      `${count(r.direct)} / ${count(r.nginx)} / ${count(r.gateway)}`,
    ]),
  );
}

/** Streams are judged by bytes per second and time to first byte rather than by whole requests. */
function streamTable(rows) {
  return table(
    [
      'stream',
      'direct MB/s',
      'nginx MB/s',
      'gateway MB/s',
      'gateway/direct',
      'gateway/nginx',
      'direct TTFB p50',
      'nginx TTFB p50',
      'gateway TTFB p50',
      'added TTFB p50',
      'direct TTFB p99',
      'nginx TTFB p99',
      'gateway TTFB p99',
    ],
    rows.map((r) => [
      r.label,
      num(r.direct.mbPerSec),
      num(r.nginx.mbPerSec),
      num(r.gateway.mbPerSec),
      pct(r.gateway.mbPerSec / r.direct.mbPerSec),
      pct(r.gateway.mbPerSec / r.nginx.mbPerSec),
      ms(r.direct.ttfbP50Ms),
      ms(r.nginx.ttfbP50Ms),
      ms(r.gateway.ttfbP50Ms),
      ms(r.gateway.ttfbP50Ms - r.direct.ttfbP50Ms),
      ms(r.direct.ttfbP99Ms),
      ms(r.nginx.ttfbP99Ms),
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
      'nginx: bench',
      'nginx',
      'dockerd',
      'others',
      'gateway: bench',
      'berth',
      'dockerd',
      'others',
      'berth CPU / request',
      'berth CPU / MB',
    ],
    rows.map(({ label, direct, nginx, gateway }) => {
      const berthMsPerSecond = gateway.cpu.berth === null ? NaN : gateway.cpu.berth * 10;
      return [
        label,
        share(direct.cpu.bench),
        share(direct.cpu.dockerd),
        share(direct.cpu.others),
        share(nginx.cpu.bench),
        share(nginx.cpu.nginx),
        share(nginx.cpu.dockerd),
        share(nginx.cpu.others),
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

/**
 * One client's latency through a bare Node proxy (`http.createServer` and `http.request`, no
 * framework, no checks) beside Berth's: what any Node hop adds on this machine.
 */
function nodeTable(rows) {
  return table(
    [
      'one client',
      'direct p50',
      'bare Node proxy p50',
      'gateway p50',
      'bare Node proxy added',
      'gateway added',
      'bare Node proxy CPU / request',
    ],
    rows.map(({ label, stream, direct, node, gateway }) => {
      const key = stream ? 'ttfbP50Ms' : 'p50Ms';
      const nodeMsPerSecond = node.cpu.node === null ? NaN : node.cpu.node * 10;
      return [
        stream ? `${label} (first byte)` : label,
        ms(direct[key]),
        ms(node[key]),
        ms(gateway[key]),
        signedMs(node[key] - direct[key]),
        signedMs(gateway[key] - direct[key]),
        ms(nodeMsPerSecond / node.reqPerSec),
      ];
    }),
  );
}

function warnings(rows) {
  const lines = [];
  for (const r of rows) {
    for (const side of ['direct', 'nginx', 'gateway', 'node']) {
      const cell = r[side];
      if (cell?.failures > 0) {
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

export function ms(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)} ms` : '?';
}

export function num(value) {
  return Number.isFinite(value) ? value.toFixed(value < 100 ? 1 : 0) : '?';
}

export function pct(ratio) {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '?';
}

function share(percent) {
  return percent === null || percent === undefined ? '?' : `${percent.toFixed(0)} %`;
}
