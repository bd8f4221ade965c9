import { parseArgs } from 'node:util';

export const USAGE = `Usage: node bench/gateway/run.mjs [options]

  --duration SECONDS   measured time per cell and round (default 5)
  --warmup SECONDS     unmeasured time before each cell's first round (default 1)
  --rounds N           interleaved rounds of each cell: direct, nginx, gateway, the order turned
                       each round (default 3)
  --host a|b           fleet engine to use (default a; both are reached over a unix socket)
  --log-level LEVEL    Berth's LOG_LEVEL (default warn; "info" logs every proxied request)
  --server FILE        Berth entry point (default apps/server/dist/main.js, built if missing or stale)
  --json               print one JSON document instead of tables
  --strict             exit 1 when a target is missed
  --help               this text`;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Reads argv; a wrong value throws with a message meant for the person who typed it. */
export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
      host: { type: 'string', default: 'a' },
      'log-level': { type: 'string', default: 'warn' },
      server: { type: 'string' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (!['a', 'b'].includes(values.host))
    throw new Error('--host must be a or b (the unix-socket engines)');
  if (!LOG_LEVELS.has(values['log-level']))
    throw new Error(`--log-level must be one of ${[...LOG_LEVELS].join(', ')}`);
  return {
    durationMs: seconds('--duration', values.duration, 0.5, 120) * 1000,
    warmupMs: seconds('--warmup', values.warmup, 0, 60) * 1000,
    gatewayRounds: count('--rounds', values.rounds, 1, 20),
    host: values.host,
    logLevel: values['log-level'],
    serverEntry: values.server ?? null,
    json: values.json,
    strict: values.strict,
    help: values.help,
  };
}

function count(flag, raw, min, max) {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${flag} must be a whole number between ${min} and ${max}`);
  }
  return value;
}

/** Bounded so a typo cannot turn the bench into an hour-long load test. */
function seconds(flag, raw, min, max) {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${flag} must be a number of seconds between ${min} and ${max}`);
  }
  return value;
}
