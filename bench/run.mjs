#!/usr/bin/env node
// Every benchmark of the issue in one run and one table: gateway (direct, nginx, Berth), realtime
// log fan-out, memory, compose deploys and replicas. Every reference is measured in the same run.
// See bench/README.md. Progress goes to stderr, the table (or --json) to stdout.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchCompose, median, TARGET_RATIO as COMPOSE_RATIO } from './compose/bench.mjs';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './gateway/berth-server.mjs';
import { benchGateway } from './gateway/bench.mjs';
import { Cleanup } from './gateway/cleanup.mjs';
import { table } from './gateway/report.mjs';
import { benchMemory } from './memory/bench.mjs';
import { benchRealtime } from './realtime/bench.mjs';
import { benchReplicas } from './replicas/bench.mjs';

const USAGE = `Usage: node bench/run.mjs [options]

  --only LIST        sections to run, comma-separated (default all):
                     gateway, realtime, memory, compose, replicas
  --duration SECONDS measured time per cell (per round in the gateway section; default 5)
  --warmup SECONDS   unmeasured time before each cell (default 1)
  --rounds N         compose deployments each way (default 3)
  --gateway-rounds N interleaved rounds of each gateway cell (default 3)
  --host a|b         fleet engine to use (default a)
  --server FILE      Berth entry point (default apps/server/dist/main.js, built if stale)
  --json             print one JSON document instead of the table
  --strict           exit 1 when a target is missed
  --help             this text`;

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/** Each section returns rows of the one table: measurement, Berth, reference, ratio, target, pass. */
const SECTIONS = {
  gateway: async (options, cleanup) => {
    const gatewayOptions = { ...options, logLevel: 'warn' };
    const { rows, context } = await benchGateway(gatewayOptions, cleanup, log);
    return { rows: rows.flatMap((row) => row.checks), context: { ...context, cells: rows } };
  },
  realtime: (options, cleanup) => benchRealtime(options, cleanup, log),
  memory: (options, cleanup) => benchMemory(options, cleanup, log),
  compose: async (options, cleanup) => {
    const times = await benchCompose(options, cleanup, log);
    const berth = median(times.berth);
    const reference = median(times.reference);
    const ratio = berth / reference;
    const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
    return {
      rows: [
        {
          measurement: `deploy a 10-service stack (median of ${options.rounds})`,
          berth: seconds(berth),
          reference: `docker-compose 1.29.2 ${seconds(reference)}`,
          ratio: `${ratio.toFixed(2)}×`,
          target: `≤ ${COMPOSE_RATIO}×`,
          pass: ratio <= COMPOSE_RATIO,
        },
      ],
      context: times,
    };
  },
  replicas: (options, cleanup) => benchReplicas(options, cleanup, log),
};

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', default: Object.keys(SECTIONS).join(',') },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
      'gateway-rounds': { type: 'string', default: '3' },
      host: { type: 'string', default: 'a' },
      server: { type: 'string' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const sections = values.only.split(',').map((s) => s.trim());
  const unknown = sections.filter((s) => !(s in SECTIONS));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}`);
  if (!['a', 'b'].includes(values.host)) throw new Error('--host must be a or b');
  const number = (flag, raw, min, max) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${flag} must be between ${min} and ${max}`);
    return value;
  };
  const whole = (flag, raw, min, max) => {
    const value = number(flag, raw, min, max);
    if (!Number.isInteger(value)) throw new Error(`--${flag} must be a whole number`);
    return value;
  };
  return {
    sections,
    durationMs: number('duration', values.duration, 0.5, 120) * 1000,
    warmupMs: number('warmup', values.warmup, 0, 60) * 1000,
    rounds: number('rounds', values.rounds, 1, 20),
    gatewayRounds: whole('gateway-rounds', values['gateway-rounds'], 1, 20),
    host: values.host,
    serverEntry: values.server ?? null,
    json: values.json,
    strict: values.strict,
    help: values.help,
  };
}

/** The 1-minute load average every 5 s while the benches run: how shared the machine was. */
function loadSampler() {
  const samples = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), 5_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    samples.push(loadavg()[0]);
    const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
    return { min: Math.min(...samples), mean, max: Math.max(...samples) };
  };
}

function machine() {
  const [cpu] = cpus();
  return {
    cores: cpus().length,
    cpu: cpu?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
  };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let current = new Cleanup();
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: cleaning up`);
      void current.run(log).then(() => process.exit(130));
    });
  }
  const startedAt = new Date().toISOString();
  // One build for every section: the sources may change while the benches run.
  options.serverEntry ??= ensureBuilt(REPO_ROOT, log);
  const stopSampling = loadSampler();
  const results = {};
  for (const name of options.sections) {
    if (interrupted) break;
    log(`— ${name} —`);
    current = new Cleanup();
    try {
      results[name] = await SECTIONS[name](options, current);
    } catch (error) {
      log(`${name} failed: ${error.message}`);
      results[name] = { error: error.message.split('\n')[0], rows: [] };
    } finally {
      // Each section leaves nothing running for the next one to compete with.
      await current.run(log);
    }
  }
  const context = { startedAt, machine: machine(), loadAverage: stopSampling() };
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ context, sections: results }, null, 2)}\n`
      : `${render(results, context)}\n`,
  );
  const rows = Object.values(results).flatMap((r) => r.rows);
  const failed = Object.values(results).some((r) => r.error);
  const missed = rows.some((row) => row.pass === false);
  if (failed) return 2;
  return options.strict && missed ? 1 : 0;
}

function render(results, context) {
  const { machine: m, loadAverage: l } = context;
  const body = [];
  for (const [section, result] of Object.entries(results)) {
    if (result.error) body.push([section, `did not run: ${result.error}`, '', '', '', '', 'ERROR']);
    for (const row of result.rows) {
      const verdict = row.pass === null ? '' : row.pass ? 'PASS' : 'FAIL';
      body.push([
        section,
        row.measurement,
        row.berth,
        row.reference,
        row.ratio,
        row.target,
        verdict,
      ]);
    }
  }
  return [
    `Berth benchmarks, ${context.startedAt}: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ` +
      `Node ${m.node}; load average (1 min) during the run ${l.min.toFixed(1)}–${l.max.toFixed(1)}, ` +
      `mean ${l.mean.toFixed(1)}`,
    '',
    table(['section', 'measurement', 'Berth', 'reference', 'ratio', 'target', 'result'], body),
  ].join('\n');
}

process.exitCode = await main().catch((error) => {
  log(`failed: ${error.message}`);
  return 2;
});
