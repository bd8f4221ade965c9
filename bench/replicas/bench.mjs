import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { addHost, adminToken, ensureBuilt, startCleanedBerth } from '../gateway/berth-server.mjs';
import { API, EngineFixtures } from '../gateway/engine-fixtures.mjs';
import { fleetEngine } from '../gateway/fleet.mjs';
import { closeTarget, engineTarget, gatewayTarget, send } from '../gateway/http-client.mjs';
import { runFor } from '../gateway/load.mjs';
import { startNginx, stopNginx } from '../gateway/nginx.mjs';
import { pct } from '../gateway/report.mjs';
import { summarise } from '../gateway/stats.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONCURRENCY = 32;
const IDLE_CONTAINERS = 50;
/** Two servers migrating one PostgreSQL database at once on a busy machine take a while. */
const REPLICA_START_MS = 120_000;
export const POSTGRES_URL =
  process.env.BERTH_BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BERTH_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Gateway throughput (`containers/json`, 32 clients) through nginx to one Berth replica and to
 * two, both replicas on one temporary PostgreSQL database and an empty Redis database, as
 * `apps/server/test/scale-out.test.ts` runs them. Both balancers stay up and the cells run one
 * after the other, so only the number of replicas differs.
 */
export async function benchReplicas(options, cleanup, log) {
  const engine = await fleetEngine(REPO_ROOT, options.host, log);
  const direct = engineTarget(engine.socketPath);
  cleanup.add('close engine connections', () => closeTarget(direct));
  const fixtures = new EngineFixtures(direct, engine.image);
  await fixtures.assertImage();
  cleanup.add('remove bench containers', () => fixtures.removeAll());
  await fixtures.createIdle(IDLE_CONTAINERS);

  const databaseUrl = await temporaryDatabase(cleanup, log);
  const redisUrl = await emptyRedisDatabase(cleanup);
  const entry = options.serverEntry ?? ensureBuilt(REPO_ROOT, log);
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    BERTH_SECRET_KEY: randomBytes(32).toString('hex'),
    BERTH_TRUST_PROXY: 'true',
    BERTH_UPDATE_CHECK_MINUTES: '0',
  };
  const password = randomBytes(12).toString('base64url');
  const startReplica = () =>
    startCleanedBerth(cleanup, {
      entry,
      repoRoot: REPO_ROOT,
      env,
      password,
      startTimeoutMs: REPLICA_START_MS,
    });
  log('replicas: starting two replicas on PostgreSQL and Redis…');
  // Started together, as an orchestrator starts them: both migrate and seed, one of them first.
  const replicas = await Promise.all([startReplica(), startReplica()]);
  const balancer = async (servers) => {
    const nginx = await startNginx({
      upstream: `upstream berth {\n${servers.map((s) => `    server 127.0.0.1:${s.port};`).join('\n')}\n    keepalive 64;\n  }`,
      location: `proxy_pass http://berth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;`,
    });
    cleanup.add('stop nginx', () => stopNginx(nginx));
    return nginx;
  };
  const one = await balancer(replicas.slice(0, 1));
  const two = await balancer(replicas);

  const token = await adminToken(replicas[0]);
  const hostId = await addHost(one.port, token, `replicas-${options.host}`, engine.url);
  const path = `${API}/containers/json?all=1`;
  const cell = async (label, nginx) => {
    const target = gatewayTarget(nginx.port, hostId, token);
    try {
      const check = await send(target, { path });
      if (check.status !== 200) throw new Error(`${label}: the gateway answered ${check.status}`);
      log(`replicas: ${label}…`);
      const load = { target, path, concurrency: CONCURRENCY };
      await runFor({ ...load, durationMs: options.warmupMs });
      return summarise(await runFor({ ...load, durationMs: options.durationMs }), null);
    } finally {
      closeTarget(target);
    }
  };
  const single = await cell('one replica', one);
  const pair = await cell('two replicas', two);
  const ratio = pair.reqPerSec / single.reqPerSec;
  return {
    rows: [
      {
        measurement: `containers/json c=${CONCURRENCY}, 2 replicas vs 1 behind nginx`,
        berth: `${pair.reqPerSec.toFixed(0)} req/s`,
        reference: `1 replica ${single.reqPerSec.toFixed(0)} req/s`,
        ratio: pct(ratio),
        target: '',
        pass: null,
      },
    ],
    context: { one: strip(single), two: strip(pair) },
  };
}

function strip({ cpu: _cpu, ...cell }) {
  return cell;
}

/** A database of its own on the machine's PostgreSQL, dropped at cleanup. */
async function temporaryDatabase(cleanup, log) {
  const name = `berth_bench_${randomBytes(6).toString('hex')}`;
  await withPg((client) => client.query(`CREATE DATABASE ${name}`));
  cleanup.add('drop the database', () =>
    withPg((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  );
  log(`replicas: database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withPg(work) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A Redis database nobody uses (no keys), so the replicas' coordination does not meet a test's;
 * emptied at cleanup.
 */
async function emptyRedisDatabase(cleanup) {
  for (let db = 15; db >= 1; db--) {
    const url = new URL(REDIS_URL);
    url.pathname = `/${db}`;
    const redis = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const keys = await redis.dbsize();
    if (keys === 0) {
      cleanup.add('empty the Redis database', async () => {
        await redis.flushdb();
        redis.disconnect();
      });
      return url.toString();
    }
    redis.disconnect();
  }
  throw new Error(`no empty database on ${REDIS_URL}`);
}
