#!/usr/bin/env node
// Time to deploy a 10-service stack, Berth against docker-compose (see bench/compose/bench.mjs).
// Prints a table to stdout; progress to stderr. `node bench/run.mjs --only compose` puts the same
// measurement into the table of all benches.
//
//   node bench/compose/run.mjs [--rounds 3] [--host a]
import { Cleanup } from '../gateway/cleanup.mjs';
import { table } from '../gateway/report.mjs';
import { SERVICES, benchCompose, median } from './bench.mjs';

const log = (message) => process.stderr.write(`[compose bench] ${message}\n`);

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

async function main() {
  const rounds = Number(option('rounds', '3'));
  const host = option('host', 'a');
  const cleanup = new Cleanup();
  process.once('SIGINT', () => void cleanup.run(log).then(() => process.exit(130)));
  let times;
  try {
    times = await benchCompose({ rounds, host }, cleanup, log);
  } finally {
    await cleanup.run(log);
  }
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const row = (label, values) => [
    label,
    fmt(median(values)),
    fmt(Math.min(...values)),
    fmt(Math.max(...values)),
  ];
  process.stdout.write(
    `${SERVICES}-service stack on fleet host ${host}, ${rounds} rounds (created, started, networks and volumes made)\n\n` +
      table(
        ['deployed by', 'median', 'fastest', 'slowest'],
        [
          row('Berth (REST until the deployment succeeded)', times.berth),
          row('docker-compose 1.29.2 up -d', times.reference),
        ],
      ) +
      `\n\nBerth / docker-compose (median): ${(median(times.berth) / median(times.reference)).toFixed(2)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
