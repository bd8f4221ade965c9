// Docker Engine API called directly on its unix socket, through nginx and through Berth's gateway. See bench/README.md.
import { Cleanup } from './cleanup.mjs';
import { benchGateway } from './bench.mjs';
import { USAGE, readOptions } from './options.mjs';
import { TARGETS, renderText } from './report.mjs';

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
    const { rows, context } = await benchGateway(options, cleanup, log);
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ context, targets: TARGETS, rows }, null, 2)}\n`
        : `${renderText(rows, context)}\n`,
    );
    const missed = rows.some((row) => row.checks.some((c) => c.pass === false));
    return options.strict && missed ? 1 : 0;
  } finally {
    await cleanup.run(log);
  }
}

process.exitCode = await main().catch((error) => {
  log(`failed: ${error.message}`);
  return 2;
});
