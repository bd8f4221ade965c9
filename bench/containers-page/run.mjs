// Time until the containers page is interactive with thousands of rows. See bench/README.md.
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt, makeDataDir } from '../gateway/berth-server.mjs';
import { Cleanup } from '../gateway/cleanup.mjs';
import { fleetEngine } from '../gateway/fleet.mjs';
import { closeTarget, engineTarget } from '../gateway/http-client.mjs';
import {
  adminSession,
  ensureWebBuilt,
  registerHost,
  startBerthWithWeb,
  stopBerthWithWeb,
  waitForInventory,
} from './berth-with-web.mjs';
import { launchChromium, measureVisit, openTab } from './measure.mjs';
import { countContainers, removeSeeded, seedContainers } from './seed.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The page counts as interactive this long after its last long task. */
const QUIET_MS = 1_000;
const TARGET_INTERACTIVE_MS = 2_000;

const USAGE = `Usage: node bench/containers-page/run.mjs [options]

  --containers N   containers to create, split over the hosts (default 5000)
  --hosts a,b      fleet hosts to use (default a,b; unix-socket engines)
  --runs N         page visits measured (default 5; the first with an empty browser cache)
  --keep           leave the containers in place (the next run removes them)
  --json           print one JSON document instead of a table
  --strict         exit 1 when the target is missed
  --help           this text`;

const log = (message) => process.stderr.write(`[bench] ${message}\n`);

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      containers: { type: 'string', default: '5000' },
      hosts: { type: 'string', default: 'a,b' },
      runs: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const containers = Number(values.containers);
  const runs = Number(values.runs);
  const hosts = values.hosts.split(',').map((h) => h.trim());
  if (!Number.isInteger(containers) || containers < 1 || containers > 20_000)
    throw new Error('--containers must be a whole number from 1 to 20000');
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw new Error('--runs must be a whole number from 1 to 50');
  if (hosts.length === 0 || hosts.some((h) => !['a', 'b'].includes(h)))
    throw new Error('--hosts takes a, b or a,b (the unix-socket engines of the fleet)');
  return { ...values, containers, runs, hosts: [...new Set(hosts)] };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cleanup = new Cleanup();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup.run(log).then(() => process.exit(130));
    });
  }
  try {
    const result = await bench(options, cleanup);
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : `${render(result)}\n`,
    );
    return options.strict && !result.pass ? 1 : 0;
  } finally {
    await cleanup.run(log);
  }
}

async function bench(options, cleanup) {
  const loadAverage = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const run = Date.now().toString(36);
  const engines = [];
  for (const host of options.hosts) {
    const engine = await fleetEngine(REPO_ROOT, host, log);
    const target = engineTarget(engine.socketPath);
    cleanup.add(`close engine ${host}`, () => closeTarget(target));
    engines.push({ host, engine, target });
  }

  // Earlier runs that were killed may have left containers; they would be counted twice.
  for (const { host, target } of engines) {
    const swept = await removeSeeded(target);
    if (swept > 0) log(`removed ${swept} containers an earlier run left on host ${host}`);
  }
  if (!options.keep) {
    cleanup.add('remove the seeded containers', async () => {
      const t = Date.now();
      const removed = await Promise.all(engines.map(({ target }) => removeSeeded(target)));
      log(`removed ${removed.reduce((a, b) => a + b, 0)} containers in ${secs(Date.now() - t)}`);
    });
  }

  const seedStarted = Date.now();
  const share = Math.ceil(options.containers / engines.length);
  await Promise.all(
    engines.map(({ host, engine, target }, index) => {
      const from = index * share;
      const count = Math.max(0, Math.min(share, options.containers - from));
      return seedContainers(target, engine.image, {
        run,
        from,
        count,
        onProgress: (done) => log(`host ${host}: ${done} of ${count} created`),
      });
    }),
  );
  const seedMs = Date.now() - seedStarted;
  const perHost = await Promise.all(engines.map(({ target }) => countContainers(target)));
  const expected = perHost.reduce((a, b) => a + b, 0);
  log(`created ${options.containers} containers in ${secs(seedMs)}; ${expected} on the hosts`);

  const entry = ensureBuilt(REPO_ROOT, log);
  ensureWebBuilt(REPO_ROOT, log);
  const dataDir = makeDataDir();
  cleanup.add('remove the data directory', () => rmSync(dataDir, { recursive: true, force: true }));
  const berth = await startBerthWithWeb({ entry, repoRoot: REPO_ROOT, dataDir });
  cleanup.add('stop Berth', () => stopBerthWithWeb(berth));
  const session = await adminSession(berth);
  cleanup.add('close the API connection', () => closeTarget(session.api));
  for (const { host, engine } of engines) await registerHost(session, `fleet-${host}`, engine.url);
  const listed = await waitForInventory(session, expected, 120_000);
  log(`Berth lists ${listed} containers; measuring ${options.runs} visits`);

  const browser = await launchChromium();
  cleanup.add('close Chromium', () => browser.close());
  const searchName = `bench-page-${run}-${options.containers - 1}`;
  // The session cookie is set directly, so the first visit starts with an empty cache: no sign-in
  // page has loaded the dashboard's scripts before it. Later visits reuse the cache and the tab.
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const [cookieName, cookieValue] = session.headers.cookie.split('=');
  await context.addCookies([{ name: cookieName, value: cookieValue, url: berth.url }]);
  const page = await openTab(context);
  const visits = [];
  for (let i = 0; i < options.runs; i += 1) {
    const visit = await measureVisit(page, berth.url, { quietMs: QUIET_MS, searchName });
    visits.push({ run: i + 1, cache: i === 0 ? 'cold' : 'warm', ...visit });
    log(`visit ${i + 1}: interactive after ${Math.round(visit.interactiveMs)} ms`);
  }
  await context.close();

  const interactive = visits.map((v) => v.interactiveMs).sort((a, b) => a - b);
  const median = interactive[Math.floor((interactive.length - 1) / 2)];
  const worst = interactive.at(-1);
  return {
    context: {
      containers: options.containers,
      listed,
      hosts: options.hosts,
      seedMs,
      cores: availableParallelism(),
      loadAverage,
      quietMs: QUIET_MS,
    },
    target: { interactiveMs: TARGET_INTERACTIVE_MS },
    visits,
    medianInteractiveMs: median,
    worstInteractiveMs: worst,
    pass: worst < TARGET_INTERACTIVE_MS,
  };
}

function render(result) {
  const c = result.context;
  const header = [
    `Containers page bench: ${c.listed} containers listed (${c.containers} created on host${c.hosts.length > 1 ? 's' : ''} ${c.hosts.join(', ')} in ${secs(c.seedMs)}),`,
    `Chromium 1366×900; ${c.cores} cores shared by Chromium, Berth and the engines; load average before ${c.loadAverage}`,
    `interactive = first row shown and no long task for ${c.quietMs} ms after (the end of the last long task)`,
  ];
  const rows = result.visits.map((v) => [
    String(v.run),
    v.cache,
    ms(v.fcpMs),
    ms(v.firstRowMs),
    ms(v.interactiveMs),
    `${v.longTasks} (${ms(v.longestTaskMs)})`,
    ms(v.searchMs),
    ms(v.lastRowMs),
    `${ms(v.frameP95Ms)} / ${v.slowFrames} of ${v.frames}`,
  ]);
  const table = formatTable(
    [
      'visit',
      'cache',
      'first paint',
      'first row',
      'interactive',
      'long tasks (longest)',
      'search → row',
      `jump to row ${c.listed}`,
      'scroll frame p95 / > 50 ms',
    ],
    rows,
  );
  const verdict = `${result.pass ? 'PASS' : 'FAIL'} interactive under ${result.target.interactiveMs} ms on every visit (median ${ms(result.medianInteractiveMs)}, worst ${ms(result.worstInteractiveMs)})`;
  return [...header, '', table, '', verdict].join('\n');
}

function formatTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ms = (value) => (value === null || value === undefined ? '—' : `${Math.round(value)} ms`);
const secs = (value) => `${(value / 1000).toFixed(1)} s`;

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
