import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CpuMeter, readPid } from './cpu-meter.mjs';
import { API, EngineFixtures } from './engine-fixtures.mjs';
import {
  ensureBuilt,
  makeDataDir,
  registerEngine,
  startBerth,
  stopBerth,
} from './berth-server.mjs';
import { startBareProxy } from './bare-side.mjs';
import { fleetEngine } from './fleet.mjs';
import {
  berthTarget,
  callJson,
  closeTarget,
  engineTarget,
  gatewayTarget,
  send,
} from './http-client.mjs';
import { emptyCell, runFor } from './load.mjs';
import { startEngineProxy, stopNginx } from './nginx.mjs';
import { judge } from './report.mjs';
import { summarise } from './stats.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IDLE_CONTAINERS = 50;
const LOG_BYTES = 5 * 1024 * 1024;
const CONCURRENCY = [1, 32];
/** The three ways to the engine, measured one after the other in each cell. */
const SIDES = ['direct', 'nginx', 'gateway'];
/**
 * Cells judged by the latency one client feels also measure a bare Node proxy (`bare-proxy.mjs`,
 * no framework, no checks): what any Node hop adds, beside what Berth adds.
 */
const LATENCY_SIDES = [...SIDES, 'node'];

/** Sets up engine fixtures and a private Berth, then measures every cell. */
export async function benchGateway(options, cleanup, log) {
  const loadAverage = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const engine = await fleetEngine(REPO_ROOT, options.host, log);
  const direct = engineTarget(engine.socketPath);
  cleanup.add('close engine connections', () => closeTarget(direct));
  const logContainer = await prepareEngine(direct, engine.image, cleanup, log);

  const berth = await startPrivateBerth(options, engine, cleanup, log);
  const gateway = gatewayTarget(berth.port, berth.hostId, berth.token);
  cleanup.add('close gateway connections', () => closeTarget(gateway));

  const proxy = await startCleanedProxy(engine.socketPath, cleanup, log);
  const nginx = { ...berthTarget(proxy.port), headers: { host: 'docker' } };
  cleanup.add('close nginx connections', () => closeTarget(nginx));
  log('starting a bare Node proxy in front of the engine socket…');
  const bare = await startBareProxy(engine.socketPath, cleanup);
  const node = gatewayTarget(bare.port, 'bare', 'none');
  cleanup.add('close bare Node proxy connections', () => closeTarget(node));
  const targets = { direct, nginx, gateway, node };

  const meter = new CpuMeter({
    berth: berth.pid,
    nginx: { tree: proxy.child.pid },
    node: bare.pid,
    dockerd: readPid(engine.dockerdPidFile),
  });
  const scenarios = [
    {
      id: 'list',
      label: 'containers/json',
      path: `${API}/containers/json?all=1`,
      stream: false,
      judged: 'both',
    },
    {
      id: 'tail',
      label: 'logs tail=100',
      path: `${API}/containers/${logContainer}/logs?stdout=1&tail=100`,
      stream: true,
      // Judged by the latency of opening a log at 1 client; at 32 a request-rate test like the list.
      judged: 'both',
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
    // Identical reads arriving together share one engine call through the gateway; these rows
    // show the hop where nothing can be shared: every client asks its own query (a parameter the
    // engine ignores), so the gateway sends every request on.
    {
      id: 'list-own',
      label: 'containers/json, own query per client',
      path: (client) => `${API}/containers/json?all=1&client=${client}`,
      stream: false,
      judged: 'none',
      concurrency: [32],
    },
    {
      id: 'tail-own',
      label: 'logs tail=100, own query per client',
      path: (client) => `${API}/containers/${logContainer}/logs?stdout=1&tail=100&client=${client}`,
      stream: true,
      judged: 'none',
      concurrency: [32],
    },
  ];
  const responseBytes = {};
  const rows = [];
  for (const scenario of scenarios) {
    const first = typeof scenario.path === 'function' ? scenario.path(0) : scenario.path;
    responseBytes[scenario.id] = await sameAnswer(targets, first, sidesOf(scenario, 1));
    for (const concurrency of scenario.concurrency ?? CONCURRENCY) {
      const sides = sidesOf(scenario, concurrency);
      rows.push(await measureRow({ scenario, concurrency, sides, targets, meter, options, log }));
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
    rounds: options.gatewayRounds,
    logLevel: options.logLevel,
    concurrency: CONCURRENCY,
    cores: availableParallelism(),
    loadAverage,
  };
  return { rows, context };
}

/** The sides a cell measures: the bare Node proxy too where one client's latency is judged. */
function sidesOf(scenario, concurrency) {
  return concurrency === 1 && scenario.judged === 'both' ? LATENCY_SIDES : SIDES;
}

/**
 * Every side must give the same answer before their speed is compared: a gateway that answers
 * 404 or a truncated body quickly would otherwise look good.
 */
async function sameAnswer(targets, path, sides) {
  const answers = await Promise.all(sides.map((side) => send(targets[side], { path })));
  const [first] = answers;
  if (answers.some((a) => a.status !== 200 || a.bytes !== first.bytes)) {
    const said = sides.map(
      (side, i) => `${side} ${answers[i].status} with ${answers[i].bytes} bytes`,
    );
    throw new Error(`GET ${path} answered differently: ${said.join(', ')}`);
  }
  return first.bytes;
}

/** nginx in front of the engine's socket (`startEngineProxy`), stopped by `cleanup`. */
async function startCleanedProxy(socketPath, cleanup, log) {
  log('starting nginx in front of the engine socket…');
  const proxy = await startEngineProxy(socketPath);
  cleanup.add('stop nginx', () => stopNginx(proxy));
  return proxy;
}

/** ~50 created containers for the list and one finished container with a 5 MiB log. */
async function prepareEngine(direct, image, cleanup, log) {
  const fixtures = new EngineFixtures(direct, image);
  await fixtures.assertImage();
  const leftovers = await fixtures.removeAll();
  if (leftovers > 0) log(`removed ${leftovers} containers left by an earlier run`);
  cleanup.add('remove bench containers', () => fixtures.removeAll());
  log(`creating ${IDLE_CONTAINERS} containers and a ${LOG_BYTES / 1024 / 1024} MiB log…`);
  await fixtures.createIdle(IDLE_CONTAINERS);
  return fixtures.createLogged(LOG_BYTES);
}

async function startPrivateBerth(options, engine, cleanup, log) {
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
 * Each side in turn, for `gatewayRounds` rounds, the order turned by one side each round: a
 * machine whose speed drifts (other virtual machines on its host, a background job) then weighs
 * on every side alike rather than on whichever came last. Each side warms up before its first
 * round (keep-alive pools, JIT, Berth's token and engine caches) and briefly before the others;
 * only the measured parts are timed and metered, and the rounds are pooled into one cell.
 */
async function measureRow({ scenario, concurrency, sides, targets, meter, options, log }) {
  const label = `${scenario.label} c=${concurrency}`;
  const rounds = Object.fromEntries(sides.map((side) => [side, []]));
  for (let round = 0; round < options.gatewayRounds; round += 1) {
    const order = sides.map((_, i) => sides[(i + round) % sides.length]);
    for (const side of order) {
      log(`${label} ${side} (round ${round + 1} of ${options.gatewayRounds})…`);
      const load = { target: targets[side], path: scenario.path, concurrency };
      const warmupMs = round === 0 ? options.warmupMs : Math.min(options.warmupMs, REWARM_MS);
      await runFor({ ...load, durationMs: warmupMs });
      const stop = meter.start();
      const result = await runFor({ ...load, durationMs: options.durationMs });
      rounds[side].push({ result, cpu: stop() });
    }
  }
  const row = {
    label,
    stream: scenario.stream,
    judged: scenario.judged,
    concurrency,
  };
  for (const side of sides) row[side] = pooled(rounds[side]);
  row.checks = judge(row);
  return row;
}

/** Warm-up before a side's later rounds: its pools and caches are warm already. */
const REWARM_MS = 300;

/**
 * One side's rounds of a cell as one: every latency sample, every request and byte over the
 * measured time of all rounds, and each process's CPU share weighted by each round's length.
 */
function pooled(rounds) {
  const cell = { ...emptyCell(), elapsedMs: 0 };
  const cpuMs = {};
  for (const { result, cpu } of rounds) {
    for (const total of result.totals) cell.totals.push(total);
    for (const ttfb of result.ttfbs) cell.ttfbs.push(ttfb);
    cell.bytes += result.bytes;
    cell.completed += result.completed;
    cell.cut += result.cut;
    cell.failures += result.failures;
    cell.firstFailure ??= result.firstFailure;
    cell.elapsedMs += result.elapsedMs;
    for (const [name, share] of Object.entries(cpu)) {
      cpuMs[name] =
        share === null || cpuMs[name] === null
          ? null
          : (cpuMs[name] ?? 0) + share * result.elapsedMs;
    }
  }
  const cpu = Object.fromEntries(
    Object.entries(cpuMs).map(([name, ms]) => [name, ms === null ? null : ms / cell.elapsedMs]),
  );
  return summarise(cell, cpu);
}
