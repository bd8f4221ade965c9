// Docker Engine API called directly on its unix socket vs through Berth's gateway. See bench/README.md.
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Cleanup } from './cleanup.mjs';
import { CpuMeter, readPid } from './cpu-meter.mjs';
import { API, EngineFixtures } from './engine-fixtures.mjs';
import {
  ensureBuilt,
  makeDataDir,
  registerEngine,
  startBerth,
  stopBerth,
} from './berth-server.mjs';
import { fleetEngine } from './fleet.mjs';
import { callJson, closeTarget, engineTarget, gatewayTarget, send } from './http-client.mjs';
import { runFor } from './load.mjs';
import { USAGE, readOptions } from './options.mjs';
import { TARGETS, judge, renderText } from './report.mjs';
import { summarise } from './stats.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IDLE_CONTAINERS = 50;
const LOG_BYTES = 5 * 1024 * 1024;
const CONCURRENCY = [1, 32];

const log = (message) => process.stderr.write(`[bench] ${message}\n`);

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
    const { rows, context } = await bench(options, cleanup);
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ context, targets: TARGETS, rows }, null, 2)}\n`
        : `${renderText(rows, context)}\n`,
    );
    const missed = rows.some((row) => row.verdict && !row.verdict.pass);
    return options.strict && missed ? 1 : 0;
  } finally {
    await cleanup.run(log);
  }
}

/** Sets up engine fixtures and a private Berth, then measures every cell. */
async function bench(options, cleanup) {
  const loadAverage = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const engine = await fleetEngine(REPO_ROOT, options.host, log);
  const direct = engineTarget(engine.socketPath);
  cleanup.add('close engine connections', () => closeTarget(direct));
  const logContainer = await prepareEngine(direct, engine.image, cleanup);

  const berth = await startPrivateBerth(options, engine, cleanup);
  const gateway = gatewayTarget(berth.port, berth.hostId, berth.token);
  cleanup.add('close gateway connections', () => closeTarget(gateway));

  const meter = new CpuMeter({ berth: berth.pid, dockerd: readPid(engine.dockerdPidFile) });
  const scenarios = [
    { id: 'list', label: 'containers/json', path: `${API}/containers/json?all=1`, stream: false },
    {
      id: 'tail',
      label: 'logs tail=100',
      path: `${API}/containers/${logContainer}/logs?stdout=1&tail=100`,
      stream: true,
      // The latency of opening a log; at 32 clients it is a request-rate test like the list.
      judged: 'latency',
    },
    {
      id: 'logs',
      label: 'logs 5 MiB',
      path: `${API}/containers/${logContainer}/logs?stdout=1&tail=all`,
      stream: true,
      // One client reading 5 MiB as fast as it can keeps both cores busy: its first-byte time is
      // queueing, not what the hop adds (the tail=100 row measures that).
      judged: 'throughput',
    },
  ];
  const responseBytes = {};
  const rows = [];
  for (const scenario of scenarios) {
    responseBytes[scenario.id] = await sameAnswer(direct, gateway, scenario.path);
    for (const concurrency of CONCURRENCY) {
      rows.push(await measureRow({ scenario, concurrency, direct, gateway, meter, options }));
    }
  }
  const { json: listed } = await callJson(direct, 'GET', `${API}/containers/json?all=1`);
  const context = {
    host: options.host,
    engineUrl: engine.url,
    containers: listed.length,
    responseBytes,
    durationS: options.durationMs / 1000,
    warmupS: options.warmupMs / 1000,
    logLevel: options.logLevel,
    concurrency: CONCURRENCY,
    cores: availableParallelism(),
    loadAverage,
  };
  return { rows, context };
}

/**
 * Both sides must give the same answer before their speed is compared: a gateway that answers
 * 404 or a truncated body quickly would otherwise look good.
 */
async function sameAnswer(direct, gateway, path) {
  const [a, b] = await Promise.all([send(direct, { path }), send(gateway, { path })]);
  if (a.status !== 200 || b.status !== 200 || a.bytes !== b.bytes) {
    throw new Error(
      `GET ${path}: direct answered ${a.status} with ${a.bytes} bytes, ` +
        `the gateway ${b.status} with ${b.bytes} bytes`,
    );
  }
  return a.bytes;
}

/** ~50 created containers for the list and one finished container with a 5 MiB log. */
async function prepareEngine(direct, image, cleanup) {
  const fixtures = new EngineFixtures(direct, image);
  await fixtures.assertImage();
  const leftovers = await fixtures.removeAll();
  if (leftovers > 0) log(`removed ${leftovers} containers left by an earlier run`);
  cleanup.add('remove bench containers', () => fixtures.removeAll());
  log(`creating ${IDLE_CONTAINERS} containers and a ${LOG_BYTES / 1024 / 1024} MiB log…`);
  await fixtures.createIdle(IDLE_CONTAINERS);
  return fixtures.createLogged(LOG_BYTES);
}

async function startPrivateBerth(options, engine, cleanup) {
  const entry = options.serverEntry ?? ensureBuilt(REPO_ROOT, log);
  const dataDir = makeDataDir();
  cleanup.add('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  log(`starting Berth (${entry})…`);
  const server = await startBerth({
    entry,
    repoRoot: REPO_ROOT,
    logLevel: options.logLevel,
    dataDir,
  });
  cleanup.add('stop Berth', () => stopBerth(server));
  const { token, hostId } = await registerEngine(server, engine.url, `bench-${options.host}`);
  return { port: server.port, pid: server.child.pid, token, hostId };
}

/**
 * Direct first, then the gateway. Each side warms up on its own (keep-alive pools, JIT, Berth's
 * token and engine caches) and only the measured part is timed and metered.
 */
async function measureRow({ scenario, concurrency, direct, gateway, meter, options }) {
  const label = `${scenario.label} c=${concurrency}`;
  const cell = async (side, target) => {
    log(`${label} ${side}…`);
    const load = { target, path: scenario.path, concurrency };
    await runFor({ ...load, durationMs: options.warmupMs });
    const stop = meter.start();
    const result = await runFor({ ...load, durationMs: options.durationMs });
    return summarise(result, stop());
  };
  const row = {
    label,
    stream: scenario.stream,
    judged: scenario.judged ?? 'both',
    concurrency,
  };
  row.direct = await cell('direct', direct);
  row.gateway = await cell('gateway', gateway);
  row.verdict = judge(row);
  return row;
}

process.exitCode = await main().catch((error) => {
  log(`failed: ${error.message}`);
  return 2;
});
