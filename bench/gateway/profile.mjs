// Where Berth's CPU goes during one gateway cell: a V8 CPU profile of the server while one cell
// runs, summarised by function and by file. See bench/README.md.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.mjs';
import { CpuMeter } from './cpu-meter.mjs';
import { API, EngineFixtures } from './engine-fixtures.mjs';
import {
  ensureBuilt,
  makeDataDir,
  registerEngine,
  startBerth,
  stopBerth,
} from './berth-server.mjs';
import { fleetEngine } from './fleet.mjs';
import { closeTarget, engineTarget, gatewayTarget } from './http-client.mjs';
import { runFor } from './load.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRAPPER = fileURLToPath(new URL('./profiled-server.mjs', import.meta.url));

const USAGE = `Usage: node bench/gateway/profile.mjs [options]

  --scenario list|tail  containers/json?all=1 (default) or logs tail=100
  --concurrency N       clients (default 1)
  --duration SECONDS    profiled time (default 10), after 2 s of unprofiled warm-up
  --host a|b            fleet engine (default b)
  --server FILE         Berth entry point (default apps/server/dist/main.js, built if stale)
  --out FILE            where the .cpuprofile goes (default in the temp directory)
  --top N               rows per table (default 25)`;

const log = (message) => process.stderr.write(`[profile] ${message}\n`);

async function main() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'list' },
      concurrency: { type: 'string', default: '1' },
      duration: { type: 'string', default: '10' },
      host: { type: 'string', default: 'b' },
      server: { type: 'string' },
      out: { type: 'string' },
      top: { type: 'string', default: '25' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!['list', 'tail'].includes(values.scenario))
    throw new Error('--scenario must be list or tail');
  const out = values.out ?? join(tmpdir(), `berth-gateway-${values.scenario}.cpuprofile`);
  const cleanup = new Cleanup();
  process.once('SIGINT', () => void cleanup.run(log).then(() => process.exit(130)));
  try {
    const measured = await profileCell({ ...values, out }, cleanup);
    process.stdout.write(
      `${summarise(JSON.parse(readFileSync(out, 'utf8')), measured, Number(values.top))}\n`,
    );
    process.stdout.write(`profile: ${out} (open in Chrome DevTools, Performance panel)\n`);
    return 0;
  } finally {
    await cleanup.run(log);
  }
}

async function profileCell(options, cleanup) {
  const engine = await fleetEngine(REPO_ROOT, options.host, log);
  const direct = engineTarget(engine.socketPath);
  cleanup.add('close engine connections', () => closeTarget(direct));
  const fixtures = new EngineFixtures(direct, engine.image);
  await fixtures.assertImage();
  await fixtures.removeAll();
  cleanup.add('remove bench containers', () => fixtures.removeAll());
  log('creating 50 containers…');
  await fixtures.createIdle(50);
  const logged = options.scenario === 'tail' ? await fixtures.createLogged(1 << 20) : null;

  const entry = options.server ?? ensureBuilt(REPO_ROOT, log);
  const dataDir = makeDataDir();
  cleanup.add('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  rmSync(options.out, { force: true });
  process.env.BENCH_PROFILE_ENTRY = entry;
  process.env.BENCH_PROFILE_OUT = options.out;
  const server = await startBerth({
    entry: WRAPPER,
    repoRoot: REPO_ROOT,
    logLevel: 'warn',
    dataDir,
  });
  cleanup.add('stop Berth', () => stopBerth(server));
  const { token, hostId } = await registerEngine(server, engine.url, `profile-${options.host}`);
  const gateway = gatewayTarget(server.port, hostId, token);
  cleanup.add('close gateway connections', () => closeTarget(gateway));

  const path =
    options.scenario === 'list'
      ? `${API}/containers/json?all=1`
      : `${API}/containers/${logged}/logs?stdout=1&tail=100`;
  const load = { target: gateway, path, concurrency: Number(options.concurrency) };
  log(`warming up ${options.scenario} c=${load.concurrency}…`);
  await runFor({ ...load, durationMs: 2000 });
  const meter = new CpuMeter({ berth: server.child.pid });
  server.child.kill('SIGUSR2');
  await sleep(200);
  log(`profiling for ${options.duration} s…`);
  const stop = meter.start();
  const result = await runFor({ ...load, durationMs: Number(options.duration) * 1000 });
  const shares = stop();
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(options.out); i++) await sleep(100);
  if (!existsSync(options.out)) throw new Error('the server wrote no profile');
  await sleep(500); // the write is one writeFileSync; give it time to finish
  const seconds = result.elapsedMs / 1000;
  return {
    requests: result.completed,
    failures: result.failures,
    seconds,
    berthCpuMsPerRequest: (shares.berth * 10 * seconds) / result.completed,
  };
}

/** Self and total time per function, and self time per file or package. */
function summarise(profile, measured, top) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const interval = new Map();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    interval.set(id, (interval.get(id) ?? 0) + dt);
  });
  const self = new Map();
  const total = new Map();
  const files = new Map();
  let all = 0;
  let idle = 0;
  for (const [id, us] of interval) {
    const node = byId.get(id);
    all += us;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    const file = fileOf(node.callFrame);
    files.set(file, (files.get(file) ?? 0) + us);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = frameKey(byId.get(at).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const busy = all - idle;
  const perRequest = (us) => `${(us / 1000 / measured.requests).toFixed(3)} ms`;
  const pct = (us) => `${((100 * us) / busy).toFixed(1)} %`;
  const rows = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `  ${pct(us).padStart(7)}  ${perRequest(us).padStart(10)}  ${key}`);
  const ours = new Map([...total].filter(([key]) => key.includes('apps/server/')));
  return [
    `${measured.requests} requests in ${measured.seconds.toFixed(1)} s (${measured.failures} failed); ` +
      `Berth CPU ${measured.berthCpuMsPerRequest.toFixed(3)} ms/request (profiler on); ` +
      `sampled busy ${perRequest(busy)}/request`,
    '',
    'self time, by function (share of busy samples, per request):',
    ...rows(self, top),
    '',
    'self time, by file or package:',
    ...rows(files, top),
    '',
    "total time (self + callees) of Berth's own functions:",
    ...rows(ours, top),
  ].join('\n');
}

function frameKey({ functionName, url, lineNumber }) {
  return `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
}

function fileOf({ functionName, url }) {
  if (!url) return functionName; // (garbage collector), (program), native code
  const path = shortUrl(url);
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = path.slice(modules + 13).split('/');
    return `node_modules/${first.startsWith('@') ? `${first}/${second}` : first}`;
  }
  return path.startsWith('node:') ? path.split('/').slice(0, 2).join('/') : path;
}

function shortUrl(url) {
  if (!url.startsWith('file://')) return url;
  return relative(REPO_ROOT, fileURLToPath(url));
}

process.exitCode = await main().catch((error) => {
  log(`failed: ${error.message}`);
  return 2;
});
