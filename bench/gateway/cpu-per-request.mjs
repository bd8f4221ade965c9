// Berth's CPU time per gateway request, for builds side by side: each build runs as its own
// server against the same engine, and the cells are measured in alternating rounds, so a change
// is judged by process CPU time per request (robust to other load on the machine) rather than by
// latency. See bench/README.md.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ensureBuilt,
  makeDataDir,
  registerEngine,
  startBerth,
  stopBerth,
} from './berth-server.mjs';
import { startBareProxy } from './bare-side.mjs';
import { Cleanup } from './cleanup.mjs';
import { cpuMs } from './cpu-meter.mjs';
import { API, EngineFixtures } from './engine-fixtures.mjs';
import { fleetEngine } from './fleet.mjs';
import { berthTarget, closeTarget, engineTarget, gatewayTarget } from './http-client.mjs';
import { runFor } from './load.mjs';
import { startEngineProxy, stopNginx } from './nginx.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `Usage: node bench/gateway/cpu-per-request.mjs [options] [--server FILE]...

  --server FILE         a Berth entry point; give it several times to compare builds
                        (default apps/server/dist/main.js, built if stale)
  --cells LIST          list1,list32,tail1,tail32 (default all four)
  --duration SECONDS    measured time per cell and round (default 4), after 1 s of warm-up
  --rounds N            rounds; each measures every build in turn (default 3)
  --host a|b            fleet engine (default b)
  --bare                also measure a bare Node proxy (bare-proxy.mjs): what any Node hop costs
  --nginx               also measure Debian's nginx as a plain reverse proxy (its workers' CPU)`;

const CELLS = {
  list1: { scenario: 'list', concurrency: 1 },
  list32: { scenario: 'list', concurrency: 32 },
  tail1: { scenario: 'tail', concurrency: 1 },
  tail32: { scenario: 'tail', concurrency: 32 },
};

const log = (message) => process.stderr.write(`[cpu] ${message}\n`);

async function main() {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', multiple: true },
      cells: { type: 'string', default: Object.keys(CELLS).join(',') },
      duration: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      host: { type: 'string', default: 'b' },
      bare: { type: 'boolean', default: false },
      nginx: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cells = values.cells.split(',');
  for (const cell of cells) if (!CELLS[cell]) throw new Error(`unknown cell ${cell}`);
  const cleanup = new Cleanup();
  process.once('SIGINT', () => void cleanup.run(log).then(() => process.exit(130)));
  try {
    const engine = await fleetEngine(REPO_ROOT, values.host, log);
    const direct = engineTarget(engine.socketPath);
    cleanup.add('close engine connections', () => closeTarget(direct));
    const fixtures = new EngineFixtures(direct, engine.image);
    await fixtures.assertImage();
    await fixtures.removeAll();
    cleanup.add('remove bench containers', () => fixtures.removeAll());
    log('creating 50 containers and a short log…');
    await fixtures.createIdle(50);
    const logged = await fixtures.createLogged(1 << 20);
    const paths = {
      list: `${API}/containers/json?all=1`,
      tail: `${API}/containers/${logged}/logs?stdout=1&tail=100`,
    };
    const entries = values.server ?? [ensureBuilt(REPO_ROOT, log)];
    const servers = [];
    for (const entry of entries) {
      const dataDir = makeDataDir();
      cleanup.add('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }));
      const server = await startBerth({ entry, repoRoot: REPO_ROOT, logLevel: 'warn', dataDir });
      cleanup.add('stop Berth', () => stopBerth(server));
      const { token, hostId } = await registerEngine(server, engine.url, `cpu-${values.host}`);
      const target = gatewayTarget(server.port, hostId, token);
      cleanup.add('close gateway connections', () => closeTarget(target));
      servers.push({ entry, pid: server.child.pid, target, samples: {} });
    }
    if (values.bare) servers.push(await startBare(engine.socketPath, cleanup));
    if (values.nginx) servers.push(await startNginxSide(engine.socketPath, cleanup));
    const durationMs = Number(values.duration) * 1000;
    for (let round = 1; round <= Number(values.rounds); round += 1) {
      for (const cell of cells) {
        const { scenario, concurrency } = CELLS[cell];
        // Alternate the order each round, so neither build always runs right after the other.
        const order = round % 2 === 1 ? servers : [...servers].reverse();
        for (const server of order) {
          const load = { target: server.target, path: paths[scenario], concurrency };
          await runFor({ ...load, durationMs: 1000 });
          const before = cpuMs(server.pid);
          const result = await runFor({ ...load, durationMs });
          const perRequest = (cpuMs(server.pid) - before) / result.completed;
          (server.samples[cell] ??= []).push(perRequest);
          log(
            `round ${round} ${cell} ${server.entry}: ${perRequest.toFixed(3)} ms/request, ` +
              `${(result.completed / (result.elapsedMs / 1000)).toFixed(0)} req/s` +
              (result.failures ? `, ${result.failures} failed` : ''),
          );
        }
      }
    }
    const rows = servers.map((server) => [
      server.entry,
      ...cells.map((cell) => {
        const sorted = [...server.samples[cell]].sort((a, b) => a - b);
        return `${median(sorted).toFixed(3)} (${sorted[0].toFixed(3)}–${sorted.at(-1).toFixed(3)})`;
      }),
    ]);
    process.stdout.write(
      `Berth CPU ms per request, median (min–max) of ${values.rounds} rounds of ${values.duration} s\n`,
    );
    for (const row of [['server', ...cells], ...rows]) process.stdout.write(`${row.join('\t')}\n`);
    if (servers.length > 1) {
      // Rounds measure the builds minutes apart at most: the ratio within a round is steadier
      // than either number when the machine's load changes between rounds.
      process.stdout.write(`\nper round, against ${servers[0].entry}: median ratio (min–max)\n`);
      for (const server of servers.slice(1)) {
        const ratios = cells.map((cell) => {
          const sorted = server.samples[cell]
            .map((value, round) => value / servers[0].samples[cell][round])
            .sort((a, b) => a - b);
          return `${median(sorted).toFixed(2)} (${sorted[0].toFixed(2)}–${sorted.at(-1).toFixed(2)})`;
        });
        process.stdout.write(`${[server.entry, ...ratios].join('\t')}\n`);
      }
    }
    return 0;
  } finally {
    await cleanup.run(log);
  }
}

/** The bare proxy as one more side, its URLs shaped like the gateway's. */
async function startBare(socketPath, cleanup) {
  const { port, pid } = await startBareProxy(socketPath, cleanup);
  const target = gatewayTarget(port, 'bare', 'none');
  cleanup.add('close bare proxy connections', () => closeTarget(target));
  return { entry: 'bare Node proxy', pid, target, samples: {} };
}

/** nginx as one more side: the CPU of its master and workers, engine URLs as they are. */
async function startNginxSide(socketPath, cleanup) {
  const proxy = await startEngineProxy(socketPath);
  cleanup.add('stop nginx', () => stopNginx(proxy));
  const target = { ...berthTarget(proxy.port), headers: { host: 'docker' } };
  cleanup.add('close nginx connections', () => closeTarget(target));
  return { entry: 'nginx', pid: { tree: proxy.child.pid }, target, samples: {} };
}

function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error.stack ?? String(error));
    process.exit(1);
  },
);
