import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { loadProject } from '@berth/compose';
import type { THealth } from '@berth/shared';
import { waitFor } from './support/berth.js';
import { DOCKER_COMPOSE } from './support/compose-reference.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet } from './support/fleet.js';
import { importRootfsImage } from './support/rootfs-image.js';

/**
 * Berth's own deployment: the root docker-compose.yml read by the reference docker-compose 1.29,
 * the Dockerfile built on fleet engine b and the stack it describes started there. The engines
 * cannot pull or reach the npm registry, so the image is built from this tree's build output
 * (`APP_FROM=prebuilt`, the output of scripts/runtime-files.mjs) on a Node base made here, and
 * PostgreSQL, Redis and nginx are images made from this machine's Debian programs. Needs the
 * built server and dashboard (`npm run build`).
 */
jest.setTimeout(300_000);

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const RUN = randomBytes(4).toString('hex');
const engine: CliTarget = { host: fleet().b };
const SOCKET = new URL(fleet().b).pathname;
const NETNS = '/var/run/netns/berth-b';
const PROJECT = `berthdeploy${RUN}`;
const IMAGES = {
  node: `berth-deploy-test/node:${RUN}`,
  berth: `berth-deploy-test/berth:${RUN}`,
  postgres: `berth-deploy-test/postgres:${RUN}`,
  redis: `berth-deploy-test/redis:${RUN}`,
  nginx: `berth-deploy-test/nginx:${RUN}`,
};
const SECRET_KEY = randomBytes(32).toString('hex');
const ADMIN_PASSWORD = `deploy-${randomBytes(8).toString('hex')}`;
/** What a person sets before `docker compose up` (README, "Run Berth in containers"). */
const REQUIRED = {
  BERTH_SECRET_KEY: SECRET_KEY,
  BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
  POSTGRES_PASSWORD: randomBytes(8).toString('hex'),
  DOCKER_GID: String(statSync(SOCKET).gid),
};

/** Given as --env-file, so that a `.env` beside the compose file changes nothing here. */
const EMPTY_ENV_FILE = join(mkdtempSync(join(tmpdir(), 'berth-env-')), 'empty.env');
writeFileSync(EMPTY_ENV_FILE, '');
afterAll(() => rmSync(dirname(EMPTY_ENV_FILE), { recursive: true, force: true }));

/** The reference docker-compose on the project's own file, against engine b. */
async function compose(
  env: Record<string, string>,
  args: string[],
  files = ['docker-compose.yml'],
): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what the test gives: none of the compose file's variables from this process.
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) {
    if (key in REQUIRED || key.startsWith('BERTH_')) delete childEnv[key];
  }
  Object.assign(childEnv, env, { DOCKER_HOST: engine.host, COMPOSE_INTERACTIVE_NO_CLI: '1' });
  try {
    const { stdout, stderr } = await run(
      DOCKER_COMPOSE,
      [
        '--ansi',
        'never',
        '--env-file',
        EMPTY_ENV_FILE,
        '-p',
        PROJECT,
        ...files.flatMap((f) => ['-f', f]),
        ...args,
      ],
      {
        cwd: ROOT,
        env: childEnv,
        timeout: 240_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * GET from inside engine b's network namespace, where its containers' addresses and ports are.
 * A page's first render in a fresh container can take seconds on a loaded machine.
 */
async function getInEngine(url: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run(
    'nsenter',
    [
      `--net=${NETNS}`,
      process.execPath,
      '-e',
      `fetch(process.argv[1], { signal: AbortSignal.timeout(30000) }).then(
         async (r) => process.stdout.write(r.status + '\\n' + (await r.text())),
         (e) => { console.error(String(e)); process.exit(1); })`,
      url,
    ],
    { timeout: 40_000 },
  );
  const cut = stdout.indexOf('\n');
  return { status: Number(stdout.slice(0, cut)), body: stdout.slice(cut + 1) };
}

async function inspect(container: string, format: string): Promise<string> {
  return dockerOk(engine, ['inspect', '-f', format, container]);
}

/** Waits for the image's own health check to pass; if it does not, says what the container did. */
async function untilHealthy(container: string): Promise<void> {
  try {
    await waitFor(
      async () => (await inspect(container, '{{.State.Health.Status}}')) === 'healthy',
      180_000,
      `${container} to be healthy`,
    );
  } catch (error) {
    const logs = await docker(engine, ['logs', '--tail', '40', container]);
    const state = await inspect(container, '{{json .State}}');
    throw new Error(`${(error as Error).message}\nstate: ${state}\n${logs.stdout}${logs.stderr}`, {
      cause: error,
    });
  }
}

describe('docker-compose.yml, read by the reference docker-compose', () => {
  it('is valid with the required variables set, and BERTH_REPLICAS sets the replicas', async () => {
    const { code, stdout, stderr } = await compose({ ...REQUIRED, BERTH_REPLICAS: '3' }, [
      'config',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/deploy:\n\s+replicas: 3\n/);
    expect(stdout).toContain(`BERTH_SECRET_KEY: ${SECRET_KEY}`);
    expect(stdout).toContain(`- '${REQUIRED.DOCKER_GID}'`);
    expect(stdout).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(stdout).toMatch(/condition: service_healthy/);
  });

  it("follows the Compose Specification's schema, as Berth's own compose reader checks it", () => {
    const result = loadProject({
      files: [
        {
          name: 'docker-compose.yml',
          content: readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'),
        },
      ],
      environment: REQUIRED,
      workingDir: ROOT,
      projectName: 'berth',
    });
    // Berth's own deploys do not take every key (group_add); Compose does. Nothing else is wrong.
    const issues = result.ok ? [] : result.issues.map((issue) => issue.message);
    expect(issues.filter((message) => !message.endsWith('is not supported by Berth'))).toEqual([]);
  });

  it.each(Object.keys(REQUIRED))('refuses to go on without %s, naming it', async (name) => {
    const env: Record<string, string> = { ...REQUIRED };
    delete env[name];
    const { code, stderr } = await compose(env, ['config']);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`set ${name}`);
  });

  it('passes its nginx configuration to nginx, which accepts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-nginx-check-'));
    try {
      writeFileSync(
        join(dir, 'nginx.conf'),
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  include ${ROOT}deploy/nginx.conf;\n}\n`,
      );
      const { stderr } = await run('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')]);
      expect(stderr).toContain('test is successful');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Dockerfile, built and run on a fleet engine', () => {
  const context = mkdtempSync(join(tmpdir(), 'berth-image-context-'));
  const single = `berth-deploy-${RUN}`;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'apps/server/dist/main.js'))) {
      throw new Error('build first: npm run build');
    }
    await run(process.execPath, [join(ROOT, 'scripts/runtime-files.mjs'), context], {
      timeout: 120_000,
    });
    const { stdout: addons } = await run('find', [context, '-name', '*.node']);
    // The runtime's base: Node (where the node image has it) and the user `node`, nothing more.
    await importRootfsImage(engine, IMAGES.node, {
      files: [[process.execPath, '/usr/local/bin/node']],
      librariesOf: addons.split('\n').filter(Boolean),
      applets: ['mkdir', 'chown', 'id'],
      users: [{ name: 'node', id: 1000 }],
      changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin'],
    });
    await dockerOk(
      engine,
      [
        'build',
        '-f',
        join(ROOT, 'Dockerfile'),
        '--build-arg',
        'APP_FROM=prebuilt',
        '--build-arg',
        `RUNTIME_BASE=${IMAGES.node}`,
        '-t',
        IMAGES.berth,
        context,
      ],
      { env: { DOCKER_BUILDKIT: '1' }, timeoutMs: 240_000 },
    );
    // Copying, importing and building some 600 MB take a minute alone, several on a busy machine.
  }, 480_000);

  afterAll(async () => {
    await docker(engine, ['rm', '-f', '-v', single]);
    await compose(REQUIRED, ['down', '-v', '--remove-orphans', '-t', '1']);
    await docker(engine, ['rmi', '-f', ...Object.values(IMAGES)]);
    await docker(engine, ['builder', 'prune', '-f']);
    rmSync(context, { recursive: true, force: true });
  });

  it('holds the built server and dashboard with production packages only, owned by root', async () => {
    const listing = await dockerOk(engine, [
      'run',
      '--rm',
      '--entrypoint',
      'node',
      IMAGES.berth,
      '-e',
      `const fs = require('fs');
       const has = (p) => fs.existsSync('/app/' + p);
       console.log(JSON.stringify({
         server: has('apps/server/dist/main.js'), dashboard: has('apps/web/.next/BUILD_ID'),
         migrations: has('prisma/migrations/postgresql'), pg: has('node_modules/pg'),
         sources: has('apps/server/src'), jest: has('node_modules/jest'),
         typescript: has('node_modules/typescript'), nextCache: fs.readdirSync('/app/apps/web/.next/cache').length,
         appOwner: fs.statSync('/app/apps/server/dist/main.js').uid,
         writable: (() => { try { fs.accessSync('/app/apps/server/dist', fs.constants.W_OK); return true; } catch { return false; } })(),
       }));`,
    ]);
    expect(JSON.parse(listing)).toEqual({
      server: true,
      dashboard: true,
      migrations: true,
      pg: true,
      sources: false,
      jest: false,
      typescript: false,
      nextCache: 0,
      appOwner: 0,
      writable: false,
    });
  });

  it('runs alone on SQLite as the unprivileged user, healthy, managing the engine through its socket group', async () => {
    await dockerOk(engine, [
      'run',
      '-d',
      '--name',
      single,
      '--group-add',
      REQUIRED.DOCKER_GID,
      '-v',
      `${SOCKET}:/var/run/docker.sock`,
      '-e',
      `BERTH_ADMIN_PASSWORD=${ADMIN_PASSWORD}`,
      // The image's own health check, asked more often than its default.
      '--health-interval',
      '2s',
      IMAGES.berth,
    ]);
    expect(await inspect(single, '{{.Config.User}}')).toBe('node');
    await untilHealthy(single);
    expect(await dockerOk(engine, ['exec', single, 'node', '-p', 'process.getuid()'])).toBe('1000');

    const address = await inspect(single, '{{.NetworkSettings.IPAddress}}');
    const health = await getInEngine(`http://${address}:3000/api/health`);
    expect(health.status).toBe(200);
    const body = JSON.parse(health.body) as THealth;
    expect(body.database).toEqual({ provider: 'sqlite', ok: true });
    // The engine's socket, mounted, is host `local`, reached by a user that is not root.
    await waitFor(
      async () => {
        const hosts = (
          JSON.parse((await getInEngine(`http://${address}:3000/api/health`)).body) as THealth
        ).hosts;
        return hosts.some((h) => h.name === 'local' && h.status === 'up');
      },
      30_000,
      'host local to be up',
    );
    // The dashboard is served: the sign-in page.
    const login = await getInEngine(`http://${address}:3000/login`);
    expect(login.status).toBe(200);
    expect(login.body).toContain('<html');
  });

  it('runs as docker-compose.yml says: two replicas on PostgreSQL and Redis, behind nginx', async () => {
    await makeServiceImages();
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const override = join(context, 'compose.override.yml');
    // Only what the engine cannot have differs from the file: images made here, the engine's
    // socket, which is not at /var/run/docker.sock on this machine, and a longer start period for
    // the health check: two replicas migrating one database on a busy two-core machine may take
    // longer than the file's 60 s to answer.
    writeFileSync(
      override,
      `services:
  berth:
    volumes:
      - ${SOCKET}:/var/run/docker.sock
    healthcheck:
      start_period: 180s
      interval: 5s
  postgres:
    image: ${IMAGES.postgres}
  redis:
    image: ${IMAGES.redis}
  nginx:
    image: ${IMAGES.nginx}
`,
    );
    const env = {
      ...REQUIRED,
      BERTH_IMAGE: IMAGES.berth,
      BERTH_REPLICAS: '2',
      BERTH_PORT: port,
    };
    const up = await compose(env, ['up', '-d', '--no-build'], ['docker-compose.yml', override]);
    if (up.code !== 0) {
      // What the replicas said, to tell a slow start from one that failed.
      const logs = await compose(
        env,
        ['logs', '--no-color', '--tail', '40', 'berth'],
        ['docker-compose.yml', override],
      );
      console.log(`berth replicas' logs:\n${logs.stdout}${logs.stderr}`);
    }
    expect({ code: up.code, stderr: up.code === 0 ? '' : up.stderr }).toEqual({
      code: 0,
      stderr: '',
    });

    const replicas = (
      await dockerOk(engine, [
        'ps',
        '-q',
        '--filter',
        `label=com.docker.compose.project=${PROJECT}`,
        '--filter',
        'label=com.docker.compose.service=berth',
      ])
    )
      .split('\n')
      .filter(Boolean);
    expect(replicas).toHaveLength(2);
    for (const id of replicas) expect(await inspect(id, '{{.Config.User}}')).toBe('node');

    // nginx started after both replicas were healthy (depends_on); through its published port:
    const health = await getInEngine(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    const body = JSON.parse(health.body) as THealth;
    expect(body.database).toEqual({ provider: 'postgresql', ok: true });

    // Requests through nginx reach both replicas (each logs the requests it answers).
    for (let i = 0; i < 20; i++) {
      expect(
        (await getInEngine(`http://127.0.0.1:${port}/api/health?probe=${RUN}-${i}`)).status,
      ).toBe(200);
    }
    for (const id of replicas) {
      const { stdout, stderr } = await docker(engine, ['logs', id]);
      expect(`${stdout}${stderr}`).toContain(`probe=${RUN}-`);
    }
  });
});

/** PostgreSQL, Redis and nginx from this machine's Debian packages, started as their images are. */
async function makeServiceImages(): Promise<void> {
  // Debian's PostgreSQL (scripts/test.sh installs it), whichever major version it is.
  const version = readdirSync('/usr/lib/postgresql').sort().pop();
  const pg = `/usr/lib/postgresql/${version}`;
  await importRootfsImage(engine, IMAGES.postgres, {
    files: ['postgres', 'initdb', 'pg_isready'].map((p) => [`${pg}/bin/${p}`, `${pg}/bin/${p}`]),
    trees: [
      [`${pg}/lib`, `${pg}/lib`],
      [`/usr/share/postgresql/${version}`, `/usr/share/postgresql/${version}`],
      ['/usr/share/zoneinfo/UTC', '/usr/share/zoneinfo/UTC'],
    ],
    librariesOf: [`${pg}/lib/plpgsql.so`, `${pg}/lib/dict_snowball.so`],
    applets: ['rm', 'echo'],
    users: [{ name: 'postgres', id: 999 }],
    dirs: [
      { path: '/var/run/postgresql', owner: 999 },
      { path: '/var/lib/postgresql/data', owner: 999, mode: 0o700 },
    ],
    texts: [
      {
        // What the postgres image does on first start: a cluster with POSTGRES_USER's password
        // and POSTGRES_DB, reachable over the network with a password.
        path: '/usr/local/bin/docker-entrypoint.sh',
        mode: 0o755,
        content: `#!/bin/sh
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "$POSTGRES_PASSWORD" > /tmp/pwfile
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile -A scram-sha-256 --no-locale -E UTF8 >/dev/null
  rm /tmp/pwfile
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
  echo "CREATE DATABASE $POSTGRES_DB" | postgres --single -D "$PGDATA" postgres >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*'
`,
      },
    ],
    changes: [
      `ENV PATH=/usr/local/bin:${pg}/bin:/bin`,
      'ENV PGDATA=/var/lib/postgresql/data',
      'ENV TZ=UTC',
      'USER postgres',
      'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    ],
  });
  await importRootfsImage(engine, IMAGES.redis, {
    files: [
      ['/usr/bin/redis-server', '/usr/local/bin/redis-server'],
      ['/usr/bin/redis-cli', '/usr/local/bin/redis-cli'],
    ],
    texts: [
      {
        // The redis image turns protected mode off (the container's network is its protection).
        path: '/usr/local/bin/docker-entrypoint.sh',
        mode: 0o755,
        content: '#!/bin/sh\nexec "$@" --protected-mode no\n',
      },
    ],
    changes: [
      'ENV PATH=/usr/local/bin:/bin',
      'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
      'CMD ["redis-server"]',
    ],
  });
  await importRootfsImage(engine, IMAGES.nginx, {
    files: [
      ['/usr/sbin/nginx', '/usr/sbin/nginx'],
      ['/etc/nginx/mime.types', '/etc/nginx/mime.types'],
    ],
    applets: ['wget'],
    users: [{ name: 'nginx', id: 101 }],
    dirs: [{ path: '/var/log/nginx' }, { path: '/var/lib/nginx' }, { path: '/etc/nginx/conf.d' }],
    texts: [
      {
        // As the nginx image's: the files in conf.d inside the http block.
        path: '/etc/nginx/nginx.conf',
        content: `user nginx;
worker_processes 1;
error_log /dev/stderr warn;
pid /tmp/nginx.pid;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  include /etc/nginx/conf.d/*.conf;
}
`,
      },
    ],
    changes: ['ENV PATH=/usr/sbin:/bin', 'CMD ["nginx", "-g", "daemon off;"]'],
  });
}
