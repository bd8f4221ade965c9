// The fleet lists (containers, images, volumes) from Berth's inventory vs asking every engine
// directly. See bench/README.md.
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  adminSession,
  registerHost,
  waitForInventory,
} from '../containers-page/berth-with-web.mjs';
import { seedContainers } from '../containers-page/seed.mjs';
import { ensureBuilt, makeDataDir, startBerth, stopBerth } from '../gateway/berth-server.mjs';
import { Cleanup } from '../gateway/cleanup.mjs';
import { CpuMeter, readPid } from '../gateway/cpu-meter.mjs';
import { fleetEngine } from '../gateway/fleet.mjs';
import { callJson, closeTarget, engineTarget } from '../gateway/http-client.mjs';
import { table } from '../gateway/report.mjs';
import { percentile } from '../gateway/stats.mjs';
import { startBenchEngines, stopBenchEngines } from './bench-engines.mjs';
import { directPage } from './direct-list.mjs';
import { directResourcePage, seedResources } from './resource-lists.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET_MS = 50;
const PAGE = 100;

/** Berth's answer to `path`: a page's names and the number of matches. */
const containerPage = (query) => ({
  path: `/api/containers?${new URLSearchParams(query)}`,
  direct: (engines) => directPage(engines, query),
  names: (json) => json.items.map((c) => c.name),
  // The engines' page is computed as Berth sorts containers: the same names in the same order.
  same: (a, b) => a.total === b.total && JSON.stringify(a.names) === JSON.stringify(b.names),
});
/** Images and volumes: the same number of rows as every engine lists (their order is Berth's own). */
const resourcePage = (kind) => ({
  path: `/api/${kind}?limit=${PAGE}`,
  direct: (engines) => directResourcePage(engines, kind, PAGE),
  names: (json) => json.items.map((row) => row.name ?? row.id),
  same: (a, b) => a.total === b.total,
});

/**
 * First page, a search and a state filter with another sort: what the containers page asks; and
 * the first page of the images and volumes pages.
 */
const SCENARIOS = [
  { label: 'first page (name)', ...containerPage({ sort: 'name', order: 'asc', limit: PAGE }) },
  { label: 'q=app-7', ...containerPage({ q: 'app-7', sort: 'name', order: 'asc', limit: PAGE }) },
  {
    label: 'state=created, newest first',
    ...containerPage({ state: 'created', sort: 'created', order: 'desc', limit: PAGE }),
  },
  { label: 'images, first page', ...resourcePage('images') },
  { label: 'volumes, first page', ...resourcePage('volumes') },
];

const USAGE = `Usage: node bench/fleet-list/run.mjs [options]

  --hosts N        benchmark engines to start (default 10)
  --per-host N     created (never started) containers, volumes and image tags per engine (default 500)
  --requests N     measured requests per scenario and side (default 100, after 5 unmeasured)
  --server FILE    Berth entry point (default apps/server/dist/main.js, built if missing or stale)
  --json           print one JSON document instead of a table
  --strict         exit 1 when the target is missed
  --help           this text`;

const log = (message) => process.stderr.write(`[bench] ${message}\n`);

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: 'string', default: '10' },
      'per-host': { type: 'string', default: '500' },
      requests: { type: 'string', default: '100' },
      server: { type: 'string' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const whole = (flag, raw, max) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new Error(`${flag} must be a whole number from 1 to ${max}`);
    return value;
  };
  return {
    hosts: whole('--hosts', values.hosts, 20),
    perHost: whole('--per-host', values['per-host'], 5000),
    requests: whole('--requests', values.requests, 10_000),
    serverEntry: values.server ?? null,
    json: values.json,
    strict: values.strict,
    help: values.help,
  };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cleanup = new Cleanup();
  const state = { interrupted: false, work: null };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      state.interrupted = true;
      // What was under way stops at its next step (its engines are gone); what it started in
      // the meantime is undone by the second run.
      const settled = Promise.race([state.work?.catch(() => undefined), sleep(15_000)]);
      void cleanup
        .run(log)
        .then(() => settled)
        .then(() => cleanup.run(log))
        .then(() => process.exit(130));
    });
  }
  try {
    state.work = bench(options, cleanup, () => {
      if (state.interrupted) throw new Error('interrupted');
    });
    const result = await state.work.catch((error) => {
      // Interrupted: the signal handler cleans up and exits; the step that broke says nothing.
      if (state.interrupted) return new Promise(() => {});
      throw error;
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : `${render(result)}\n`,
    );
    return options.strict && !result.pass ? 1 : 0;
  } finally {
    await cleanup.run(log);
  }
}

/** `checkpoint()` throws once the bench was interrupted, so no further step starts. */
async function bench(options, cleanup, checkpoint) {
  const loadBefore = loadAverage();
  // The fleet's image is loaded into each new engine; `fleet.sh up` only runs if it is down.
  const { image } = await fleetEngine(REPO_ROOT, 'a', log);
  // Registered before starting, so an interrupted start is taken down too.
  cleanup.add('stop the benchmark engines', () => stopBenchEngines(REPO_ROOT));
  log(`starting ${options.hosts} benchmark engines (fleet.sh bench-up)…`);
  const engines = (await startBenchEngines(REPO_ROOT, options.hosts)).map((engine) => ({
    ...engine,
    target: engineTarget(engine.socketPath),
  }));
  cleanup.add('close the engine connections', () => engines.forEach((e) => closeTarget(e.target)));

  checkpoint();
  const total = options.hosts * options.perHost;
  const run = Date.now().toString(36);
  const seedStarted = Date.now();
  await Promise.all(
    engines.map(async (engine, index) => {
      const share = { run, from: index * options.perHost, count: options.perHost };
      await seedContainers(engine.target, image, share);
      await seedResources(engine.target, image, share);
    }),
  );
  const seedMs = Date.now() - seedStarted;
  log(`created ${total} containers, volumes and image tags in ${secs(seedMs)}`);

  checkpoint();
  const entry = options.serverEntry ?? ensureBuilt(REPO_ROOT, log);
  const dataDir = makeDataDir();
  cleanup.add('remove the data directory', () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startBerth({ entry, repoRoot: REPO_ROOT, logLevel: 'warn', dataDir });
  // Berth makes its data directory again if it was removed while it started (Ctrl-C then).
  cleanup.add('stop Berth', async () => {
    await stopBerth(server);
    rmSync(dataDir, { recursive: true, force: true });
  });
  checkpoint();
  const session = await adminSession(server);
  cleanup.add('close the API connection', () => closeTarget(session.api));
  for (const engine of engines) await registerHost(session, engine.name, engine.url);
  const listed = await waitForInventory(session, total, 120_000);
  // One image per engine carries the 500 tags: the images list has a row per image.
  await waitForInventory(session, options.hosts, 120_000, 'images');
  await waitForInventory(session, total, 120_000, 'volumes');
  log(`Berth lists ${listed} containers and every image and volume`);

  const meter = new CpuMeter({
    berth: server.child.pid,
    ...Object.fromEntries(engines.map((e) => [e.name, readPid(e.dockerdPidFile)])),
  });
  const rows = [];
  for (const scenario of SCENARIOS) {
    checkpoint();
    const path = scenario.path;
    const fromBerth = async () => {
      const { json } = await callJson(session.api, 'GET', path, { headers: session.headers });
      return { names: scenario.names(json), total: json.total };
    };
    const fromEngines = () => scenario.direct(engines);
    log(`${scenario.label}: inventory…`);
    const inventory = await measure(fromBerth, options.requests, meter);
    log(`${scenario.label}: every engine…`);
    const direct = await measure(fromEngines, options.requests, meter);
    const same = scenario.same(inventory.answer, direct.answer);
    rows.push({
      label: scenario.label,
      path,
      matches: inventory.answer.total,
      same,
      inventory: inventory.stats,
      direct: direct.stats,
      pass: same && inventory.stats.p99Ms < TARGET_MS,
    });
  }
  return {
    context: {
      hosts: options.hosts,
      perHost: options.perHost,
      listed,
      seedMs,
      requests: options.requests,
      cores: availableParallelism(),
      loadBefore,
      loadAfter: loadAverage(),
      date: new Date().toISOString(),
    },
    target: { p99Ms: TARGET_MS },
    rows,
    pass: rows.every((row) => row.pass),
  };
}

/**
 * One client, one request after the other: the first (cold: Berth sorts the fleet once per sort
 * order and inventory change) and 5 more unmeasured, then `count` timed requests.
 */
async function measure(call, count, meter) {
  const started = performance.now();
  const answer = await call();
  const coldMs = performance.now() - started;
  for (let i = 0; i < 5; i += 1) await call();
  const times = [];
  const stop = meter.start();
  for (let i = 0; i < count; i += 1) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  const cpu = stop();
  times.sort((a, b) => a - b);
  const dockerd = Object.entries(cpu)
    .filter(([name]) => name.startsWith('bench-'))
    .reduce((sum, [, share]) => sum + (share ?? 0), 0);
  return {
    answer,
    stats: {
      coldMs,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      cpu: { bench: cpu.bench, berth: cpu.berth, dockerd, others: cpu.others },
    },
  };
}

function render(result) {
  const c = result.context;
  const header = [
    `Fleet list bench: ${c.listed} containers, as many volumes and image tags (${c.hosts} engines × ${c.perHost} each, created in ${secs(c.seedMs)}), pages of ${PAGE}, one client, ${c.requests} requests per cell`,
    `${c.cores} cores shared by the bench, Berth and ${c.hosts} dockerd; load average before ${c.loadBefore}, after ${c.loadAfter}; ${c.date}`,
  ];
  const latency = table(
    [
      'query',
      'matches',
      'inventory p50',
      'inventory p99',
      'inventory cold',
      'every engine p50',
      'every engine p99',
      'same answer',
      'target',
    ],
    result.rows.map((r) => [
      r.label,
      String(r.matches),
      ms(r.inventory.p50Ms),
      ms(r.inventory.p99Ms),
      ms(r.inventory.coldMs),
      ms(r.direct.p50Ms),
      ms(r.direct.p99Ms),
      r.same ? 'yes' : 'NO',
      `${r.inventory.p99Ms < TARGET_MS ? 'PASS' : 'FAIL'} p99 < ${TARGET_MS} ms`,
    ]),
  );
  const cpu = table(
    [
      'CPU, % of one core',
      'inventory: bench',
      'berth',
      'dockerd',
      'others',
      'every engine: bench',
      'dockerd',
      'others',
    ],
    result.rows.map(({ label, inventory, direct }) => [
      label,
      share(inventory.cpu.bench),
      share(inventory.cpu.berth),
      share(inventory.cpu.dockerd),
      share(inventory.cpu.others),
      share(direct.cpu.bench),
      share(direct.cpu.dockerd),
      share(direct.cpu.others),
    ]),
  );
  return [...header, '', latency, '', cpu].join('\n');
}

function loadAverage() {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '?');
const secs = (value) => `${(value / 1000).toFixed(1)} s`;
const share = (percent) =>
  percent === null || percent === undefined ? '?' : `${percent.toFixed(0)} %`;

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
