import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SocketResult,
  TAuditPage,
  TContainerListResponse,
  THost,
  TLogLine,
  TStackDeployResponse,
  TStackDeploymentList,
  TStackWebhookTriggered,
  TStackWebhookUrl,
} from '@berth/shared';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { ADMIN_PASSWORD, TestDatabase, waitFor } from './support/berth.js';
import { type BuiltServer, startBuilt } from './support/built-server.js';
import { callApi, type ApiCallOptions } from './support/call-api.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { NginxBalancer } from './support/nginx-balancer.js';
import { removeComposeProject } from './support/stack-deployments.js';
import { callWebhook } from './support/webhook-call.js';
import { redisDatabaseUrl } from './support/webhook-jobs.js';

/**
 * Two replicas of the built server on one PostgreSQL database and one Redis, behind Debian's
 * nginx as a plain round-robin load balancer (no sticky sessions), against host a of the fleet.
 * Needs BERTH_TEST_POSTGRES_URL and BERTH_TEST_REDIS_URL (scripts/test.sh starts both).
 */
const redisBase = process.env.BERTH_TEST_REDIS_URL;
const onReplicas = process.env.BERTH_TEST_POSTGRES_URL && redisBase ? describe : describe.skip;
jest.setTimeout(240_000);

type Live = Socket<ServerToClientEvents, ClientToServerEvents>;

const RUN = randomBytes(4).toString('hex');
const LABEL = `berth.test.scale-out=${RUN}`;
const STACK = `scale-${RUN}`;
const direct: CliTarget = { host: fleetHost('a').direct };
/** Well under the credential cache's 5 s: passing within it means the other replica was told. */
const AT_ONCE_MS = 1_000;
/** How soon another replica must take over a dead replica's jobs. */
const TAKEOVER_MS = 10_000;
/** How long a webhook job stays with a replica that stopped renewing it. */
const JOB_LOCK_MS = 2_000;
/** What a replica logs when it opens an engine stream for the viewers of every replica. */
const STREAM_OPENED = 'opened an engine stream for every replica';

interface Replica {
  server: BuiltServer;
  dataDir: string;
  pid: number;
}

onReplicas('several replicas behind nginx on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let redisUrl: string;
  let redis: Redis;
  const replicas: Replica[] = [];
  let nginx: NginxBalancer;
  let token: string;
  let host: THost;
  let loggerId: string;
  let stackId: string;
  const sockets: Live[] = [];

  const A = () => replicas[0]!.server.url;
  const B = () => replicas[1]!.server.url;
  const api = <T>(base: string, method: string, path: string, options: ApiCallOptions = {}) =>
    callApi<T>(base, method, path, { token, ...options });

  async function startReplica(env: Record<string, string>): Promise<Replica> {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-replica-'));
    // Two servers starting at once on a busy machine: their migrations and first start take a while.
    const server = await startBuilt({ ...env, BERTH_DATA_DIR: dataDir }, 120_000);
    return { server, dataDir, pid: server.child.pid! };
  }

  let env: Record<string, string>;

  beforeAll(async () => {
    database = await TestDatabase.create(mkdtempSync(join(tmpdir(), 'berth-scale-')));
    // A database of its own on the machine's Redis, emptied first.
    redisUrl = redisDatabaseUrl();
    redis = new Redis(redisUrl);
    await redis.flushdb();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      BERTH_SECRET_KEY: randomBytes(32).toString('hex'),
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_LOCAL_SOCKET: '',
      BERTH_HEALTH_INTERVAL_MS: '1000',
      BERTH_TRUST_PROXY: 'true',
      BERTH_UPDATE_CHECK_MINUTES: '0',
      // A webhook run whose replica died is run again by another within 4 s.
      BERTH_WEBHOOK_JOB_LOCK_MS: String(JOB_LOCK_MS),
    };
    // Started together, as an orchestrator starts them: both set up the database and the
    // administrator, one of them first.
    replicas.push(...(await Promise.all([startReplica(env), startReplica(env)])));
    nginx = await NginxBalancer.start([A(), B()]);

    token = await adminToken(nginx.url);
    const added = await api<THost>(nginx.url, 'POST', '/api/hosts', {
      body: { name: 'a', url: fleet().a },
    });
    expect(added.status).toBe(201);
    host = added.body;
    loggerId = await dockerOk(direct, [
      'run',
      '-d',
      '--label',
      LABEL,
      fleet().image,
      'sh',
      '-c',
      'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.1; done',
    ]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await nginx?.stop();
    for (const replica of replicas) {
      replica.server.child.kill('SIGKILL');
      await replica.server.exited(5_000);
      rmSync(replica.dataDir, { recursive: true, force: true });
    }
    await removeLabelled(direct, LABEL).catch(() => undefined);
    await removeComposeProject(direct, STACK).catch(() => undefined);
    await redis?.flushdb().catch(() => undefined);
    redis?.disconnect();
    await database?.drop();
  });

  it('a sign-in holds on both replicas, and signing out ends it on both at once', async () => {
    const session = await signIn(nginx.url);
    const me = (base: string) =>
      fetch(`${base}/api/auth/me`, { headers: { cookie: session.cookie } }).then((r) => r.status);
    expect(await me(A())).toBe(200);
    expect(await me(B())).toBe(200);
    const out = await fetch(`${A()}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
    expect(out.status).toBe(204);
    await waitFor(async () => (await me(B())) === 401, AT_ONCE_MS, 'B to refuse the session');
    expect(await me(A())).toBe(401);
  });

  it('a token revoked on one replica is refused by the other at once, and its socket there closes', async () => {
    const session = await signIn(nginx.url);
    const made = await fetch(`${A()}/api/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
      },
      body: JSON.stringify({ name: 'revoked' }),
    });
    const revoked = (await made.json()) as { id: string; token: string };
    const socket = await connect(B(), revoked.token);
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    expect((await api(B(), 'GET', '/api/auth/me', { token: revoked.token })).status).toBe(200);
    expect((await api(A(), 'DELETE', `/api/tokens/${revoked.id}`)).status).toBe(204);
    await waitFor(
      async () => (await api(B(), 'GET', '/api/auth/me', { token: revoked.token })).status === 401,
      AT_ONCE_MS,
      'B to refuse the token',
    );
    await expect(closed).resolves.toBe('io server disconnect');
  });

  it('a deployment started through one replica pushes its progress to a socket on the other', async () => {
    const socket = await connect(B(), token);
    const progress: string[] = [];
    socket.on('stack.progress', (event) => progress.push(`${event.step}:${event.status}`));
    const created = await api<TStackDeployResponse>(A(), 'POST', `/api/hosts/${host.id}/stacks`, {
      body: {
        name: STACK,
        compose: `services:\n  app:\n    image: ${fleet().image}\n    command: sleep 3600\n`,
      },
    });
    expect([created.status, created.body]).toEqual([201, expect.anything()]);
    stackId = created.body.id;
    await settled(created.body.deploymentId);
    await waitFor(
      () => Promise.resolve(progress.some((p) => p.endsWith(':done'))),
      5_000,
      'progress on the socket connected to B',
    );
  });

  it('a burst of webhook calls spread over both replicas is one redeploy and at most one follow-up, with no 5xx', async () => {
    const hook = await api<TStackWebhookUrl>(A(), 'POST', `/api/stacks/${stackId}/webhooks`, {
      body: { rateLimit: 600 },
    });
    expect(hook.status).toBe(201);
    const path = new URL(hook.body.url).pathname;
    const before = new Set((await deployments()).map((d) => d.id));
    const payload = JSON.stringify({ ref: 'refs/heads/main', repository: { name: 'app' } });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        callWebhook<TStackWebhookTriggered>(`${[A(), B()][i % 2]}${path}`, payload),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
    expect(answers.filter((a) => a.body.status === 'running')).toHaveLength(1);
    const answered = [...new Set(answers.map((a) => a.body.deploymentId))].sort();
    expect(answered.length).toBeLessThanOrEqual(2);
    for (const id of answered) await settled(id);
    const added = (await deployments()).filter((d) => !before.has(d.id));
    expect(added.map((d) => d.id).sort()).toEqual(answered);
    expect(added.map((d) => `${d.trigger}:${d.status}`)).toEqual(
      answered.map(() => 'webhook:succeeded'),
    );
  });

  it("a webhook's rate counts the calls made through every replica together", async () => {
    const hook = await api<TStackWebhookUrl>(A(), 'POST', `/api/stacks/${stackId}/webhooks`, {
      body: { rateLimit: 4 },
    });
    expect(hook.status).toBe(201);
    const path = new URL(hook.body.url).pathname;
    const payload = JSON.stringify({ ref: 'refs/heads/main', repository: { name: 'app' } });
    const answers = [];
    for (let i = 0; i < 6; i += 1)
      answers.push(
        await callWebhook<TStackWebhookTriggered>(`${[A(), B()][i % 2]}${path}`, payload),
      );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 429, 429]);
    for (const refused of answers.slice(4)) {
      expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    for (const id of new Set(answers.slice(0, 4).map((a) => a.body.deploymentId)))
      await settled(id);
  });

  it('every replica answers the fleet list with the same containers', async () => {
    const ids = async (base: string) => {
      const res = await api<TContainerListResponse>(base, 'GET', '/api/containers?limit=500');
      expect(res.status).toBe(200);
      return res.body.items.map((c) => `${c.hostId}/${c.id}/${c.state}`).sort();
    };
    await waitFor(
      async () => (await ids(A())).some((id) => id.includes(loggerId)),
      10_000,
      'the inventory to list the logger',
    );
    await waitFor(
      async () => JSON.stringify(await ids(A())) === JSON.stringify(await ids(B())),
      5_000,
      'both replicas to list the same containers',
    );
    expect((await ids(B())).length).toBeGreaterThanOrEqual(2);
  });

  it("logs and stats watched on both replicas are one engine stream each, which outlives its holder's own viewers", async () => {
    const opened = () =>
      replicas.flatMap((r) => r.server.messages()).filter((m) => m === STREAM_OPENED).length;
    const leases = async (kind: string) =>
      (await redis.keys(`mutex:berth:stream-lease:${kind}:*`)).length;
    const before = opened();
    const lines = [[], []] as string[][];
    const samples = [0, 0];
    const viewers = await Promise.all([A(), B()].map((base) => connect(base, token)));
    viewers.forEach((socket, i) => {
      socket.on('logs.lines', ({ lines: batch }) =>
        lines[i]!.push(...batch.map((l: TLogLine) => l.text)),
      );
      socket.on('stats.sample', () => (samples[i]! += 1));
    });
    const acked =
      (resolve: () => void, reject: (error: Error) => void) => (answer: SocketResult<unknown>) =>
        answer.ok ? resolve() : reject(new Error(answer.error.message));
    const target = { hostId: host.id, containerId: loggerId };
    for (const socket of viewers) {
      await new Promise<void>((resolve, reject) =>
        socket.emit('logs.subscribe', { ...target, tail: 5, follow: true }, acked(resolve, reject)),
      );
    }
    for (const socket of viewers) {
      await new Promise<void>((resolve, reject) =>
        socket.emit('stats.subscribe', target, acked(resolve, reject)),
      );
    }
    await waitFor(
      () => Promise.resolve(lines.every((l) => l.length > 10) && samples.every((n) => n > 1)),
      15_000,
      'lines and samples on both replicas',
    );
    // Both replicas see the one stream: the same lines, in the same order.
    const common = lines[1]!.filter((line) => lines[0]!.includes(line));
    expect(common.length).toBeGreaterThan(5);
    expect(lines[0]!.filter((line) => common.includes(line))).toEqual(common);
    expect(opened() - before).toBe(2);
    expect([await leases('logs'), await leases('stats')]).toEqual([1, 1]);

    // The holder's own viewer leaves: the stream goes on for the other replica.
    const holder = await redis.get((await redis.keys('mutex:berth:stream-lease:logs:*'))[0]!);
    const index = replicas.findIndex((r) => holder?.split(':')[1] === String(r.pid));
    expect(index).toBeGreaterThanOrEqual(0);
    viewers[index]!.disconnect();
    const other = lines[1 - index]!;
    const seen = other.length;
    await waitFor(
      () => Promise.resolve(other.length > seen + 10),
      10_000,
      'lines after the holder left',
    );
    expect(opened() - before).toBe(2);

    // The last viewer leaves: no engine stream stays open.
    viewers[1 - index]!.disconnect();
    await waitFor(
      async () => (await leases('logs')) + (await leases('stats')) === 0,
      10_000,
      'the engine streams to close',
    );
  });

  it('a console opened through one replica is resumed from the other after a reconnect: typing reaches the shell and its output comes back', async () => {
    const opener = await connect(A(), token);
    let before = '';
    opener.on('console.output', (event) => (before += event.data));
    const { sessionId, execId } = ok(
      await opener.emitWithAck('console.exec', { hostId: host.id, containerId: loggerId }),
    );
    // Echoed commands show `rea""dy`, `la""ter`; only the shell's own output reads `ready`, `later`.
    opener.emit('console.input', { sessionId, data: 'cd /tmp && export X=1; echo rea""dy\n' });
    await waitFor(() => Promise.resolve(/(^|\n)ready\r?\n/.test(before)), 10_000, 'the shell on A');
    opener.emit('console.input', { sessionId, data: 'sleep 1; echo la""ter\n' });
    await waitFor(() => Promise.resolve(before.includes('la""ter')), 10_000, 'the typed command');
    opener.disconnect();

    // The browser comes back through the other replica.
    const resumer = await connect(B(), token);
    let after = '';
    resumer.on('console.output', (event) => {
      if (event.sessionId === sessionId) after += event.data;
    });
    const resumed = ok(await resumer.emitWithAck('console.resume', { sessionId }));
    expect(resumed).toMatchObject({ sessionId, kind: 'exec', tty: true });
    resumer.emit('console.resize', { sessionId, cols: 132, rows: 40 });
    resumer.emit('console.input', { sessionId, data: 'pwd; echo "X=$X"; stty size\n' });
    const seen = () => resumed.output + after;
    await waitFor(
      () =>
        Promise.resolve(
          [/(^|\n)later\r?\n/, /(^|\n)\/tmp\r?\n/, /(^|\n)X=1\r?\n/, /(^|\n)40 132\r?\n/].every(
            (pattern) => pattern.test(seen()),
          ),
        ),
      10_000,
      `later, /tmp, X=1 and the new size in ${JSON.stringify(seen())}`,
    );

    // Another user's socket on either replica is told the same as for a session that never was.
    const stranger = await otherUser();
    for (const base of [A(), B()]) {
      const socket = await connect(base, stranger);
      const refused = await socket.emitWithAck('console.resume', { sessionId });
      expect(refused).toEqual({
        ok: false,
        error: { code: 'NOT_FOUND', message: 'console ended' },
      });
    }

    // Closing on B ends the shell on A, audited there as every console end is.
    const exited = new Promise((resolve) => resumer.once('console.exit', resolve));
    resumer.emit('console.close', { sessionId });
    await expect(exited).resolves.toMatchObject({ sessionId });
    await waitFor(
      async () => {
        const page = await api<TAuditPage>(B(), 'GET', '/api/audit?action=container.exec_end');
        return page.body.items.some((e) => e.details?.execId === execId);
      },
      10_000,
      'the end record',
    );
  });

  it('SIGKILL of the replica holding the jobs: another takes them within 10 s, a client streaming through it resumes on the other, and no answered change loses its audit record', async () => {
    const holder = await leaseHolder('host-health');
    const victim = replicas.find((r) => r.pid === holder)!;
    const survivor = replicas.find((r) => r !== victim)!;
    expect(victim).toBeDefined();
    const index = replicas.indexOf(victim);

    // A client streaming logs through nginx, landed on the victim.
    const lines: string[] = [];
    const socket = io(nginx.url, {
      path: '/socket.io',
      transports: ['websocket'],
      query: { prefer: String(index) },
      extraHeaders: { authorization: `Bearer ${token}` },
      reconnectionDelay: 200,
      reconnectionDelayMax: 500,
    }) as Live;
    sockets.push(socket);
    let connects = 0;
    socket.on('connect', () => {
      connects += 1;
      socket.emit(
        'logs.subscribe',
        { hostId: host.id, containerId: loggerId, tail: 0, follow: true },
        () => undefined,
      );
    });
    socket.on('logs.lines', ({ lines: batch }) =>
      lines.push(...batch.map((l: TLogLine) => l.text)),
    );
    await waitFor(() => Promise.resolve(lines.length > 3), 10_000, 'lines through the victim');
    // A viewer on the survivor shares that log, which the victim reads from the engine.
    const kept: TLogLine[] = [];
    const watcher = await connect(survivor.server.url, token);
    watcher.on('logs.lines', ({ lines: batch }) => kept.push(...batch));
    await new Promise<void>((resolve, reject) =>
      watcher.emit(
        'logs.subscribe',
        { hostId: host.id, containerId: loggerId, tail: 0, follow: true },
        (answer) => (answer.ok ? resolve() : reject(new Error(answer.error.message))),
      ),
    );
    await waitFor(() => Promise.resolve(kept.length > 3), 10_000, 'lines on the survivor');
    const logLease = await redis.get((await redis.keys('mutex:berth:stream-lease:logs:*'))[0]!);
    expect(logLease?.split(':')[1]).toBe(String(victim.pid));

    // A console held by the victim, viewed from the survivor.
    const opener = await connect(victim.server.url, token);
    const { sessionId } = ok(
      await opener.emitWithAck('console.exec', { hostId: host.id, containerId: loggerId }),
    );
    opener.disconnect();
    const viewer = await connect(survivor.server.url, token);
    ok(await viewer.emitWithAck('console.resume', { sessionId }));

    // Changes answered by the victim until it dies.
    const answered: string[] = [];
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing; i += 1) {
        const name = `t-${RUN}-${i}`;
        const res = await api(victim.server.url, 'POST', '/api/teams', { body: { name } }).catch(
          () => null,
        );
        if (res?.status === 201) answered.push(name);
        else if (!res) return;
      }
    })();
    await waitFor(() => Promise.resolve(answered.length >= 5), 10_000, 'changes on the victim');

    const killedAt = Date.now();
    victim.server.child.kill('SIGKILL');
    await victim.server.exited(5_000);
    writing = false;
    await writes;

    // The health monitor (and every other lease) moves to the survivor.
    await waitFor(
      async () => (await leaseHolder('host-health')) === survivor.pid,
      TAKEOVER_MS - (Date.now() - killedAt),
      'the survivor to take the health monitor',
    );
    for (const name of ['git-poll', 'update-checks', 'audit-retention'] as const) {
      await waitFor(
        async () => (await leaseHolder(name)) === survivor.pid,
        TAKEOVER_MS - (Date.now() - killedAt),
        `the survivor to take ${name}`,
      );
    }
    // …and runs: the host's last check moves on.
    const checked = async () =>
      (await api<THost>(survivor.server.url, 'GET', `/api/hosts/${host.id}`)).body.lastCheckedAt;
    const first = await checked();
    await waitFor(async () => (await checked()) !== first, 5_000, 'the survivor to probe hosts');

    // The client came back through nginx to the survivor and the log goes on.
    const seen = lines.length;
    await waitFor(
      () => Promise.resolve(connects >= 2 && lines.length > seen + 3),
      15_000,
      'the client to resume on the survivor',
    );

    // The survivor took the log over after the last line the victim passed on: the viewer there
    // missed no line written meanwhile and got none twice (the logger numbers its lines).
    const keptBefore = kept.length;
    await waitFor(
      () => Promise.resolve(kept.length > keptBefore + 20),
      15_000,
      'lines on the survivor after the takeover',
    );
    const numbers = kept.map((line) => Number(/^line (\d+)$/.exec(line.text)?.[1]));
    const breaks = numbers.flatMap((n, i) =>
      i > 0 && n !== numbers[i - 1]! + 1 ? [[numbers[i - 1], n]] : [],
    );
    expect(breaks).toEqual([]);
    expect(kept.filter((line) => line.time !== undefined)).toEqual([]);

    // The console died with its replica: resuming it says so.
    const late = await connect(survivor.server.url, token);
    expect(await late.emitWithAck('console.resume', { sessionId })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'console ended' },
    });

    const audit = await api<TAuditPage>(
      survivor.server.url,
      'GET',
      '/api/audit?action=team.create&limit=500',
    );
    const recorded = new Set(audit.body.items.map((e) => e.target));
    expect(answered.filter((name) => !recorded.has(name))).toEqual([]);
  });

  it('SIGKILL of the replica running a webhook recreate: the other runs it again within seconds, and the container is recreated once', async () => {
    // Two replicas again: the survivor of the test above and a new one.
    const alive = () =>
      replicas.filter((r) => r.server.child.exitCode === null && !r.server.child.killed);
    if (alive().length < 2) replicas.push(await startReplica(env));
    const live = alive();
    expect(live.length).toBeGreaterThanOrEqual(2);
    // A container that ignores SIGTERM: stopping it takes its whole 6 s stop timeout, during which
    // the replica running the recreate is killed.
    const name = `slow-stop-${RUN}`;
    const old = await dockerOk(direct, [
      'run',
      '-d',
      '--label',
      LABEL,
      '--name',
      name,
      '--stop-timeout',
      '6',
      fleet().image,
      'sh',
      '-c',
      "trap '' TERM; while true; do sleep 1; done",
    ]);
    const hook = await api<TStackWebhookUrl>(
      live[0]!.server.url,
      'POST',
      `/api/hosts/${host.id}/containers/${name}/webhooks`,
      { body: { pullImage: false } },
    );
    expect(hook.status).toBe(201);
    const called = await callWebhook(hook.body.url, '{}');
    expect(called.status).toBe(202);

    // The replica whose worker took the job (BullMQ's processedBy: host:pid), while it waits on
    // the stop.
    let runner: Replica | undefined;
    let runId: string | undefined;
    await waitFor(
      async () => {
        [runId] = await redis.lrange('bull:berth-webhooks:active', 0, 0);
        const by = runId ? await redis.hget(`bull:berth-webhooks:${runId}`, 'pb') : null;
        runner = live.find((r) => by?.endsWith(`:${r.pid}`));
        return runner !== undefined;
      },
      10_000,
      'a replica to run the webhook job',
    );
    // The run writes its journal just before its first engine change, the stop; a second later
    // the stop is under way.
    await waitFor(
      async () => (await redis.exists(`berth:webhook-run:${runId}`)) === 1,
      10_000,
      'the recreate to begin',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await dockerOk(direct, ['inspect', '-f', '{{.State.Running}}', old])).toBe('true');
    const other = live.find((r) => r !== runner)!;
    runner!.server.child.kill('SIGKILL');
    await runner!.server.exited(5_000);

    // Another replica runs the job again (its lock lapses, the next stalled check hands it on)
    // and the recreate ends as one: a new container under the name, running, the old one gone.
    await waitFor(
      async () => {
        const now = await docker(direct, ['inspect', '-f', '{{.Id}} {{.State.Running}}', name]);
        const [id, running] = now.stdout.trim().split(' ');
        return now.code === 0 && id !== old && running === 'true';
      },
      6_000 + 2 * JOB_LOCK_MS + 10_000,
      'the other replica to finish the recreate',
    );
    expect((await docker(direct, ['inspect', old])).code).not.toBe(0);
    const named = await dockerOk(direct, [
      'ps',
      '-a',
      '--filter',
      `label=${LABEL}`,
      '--format',
      '{{.Names}}',
    ]);
    expect(named.split('\n').filter((n) => n.startsWith(name))).toEqual([name]);
    // The call answered 202 is in the audit log, and the recreate is recorded as the other
    // replica's run.
    const audit = await api<TAuditPage>(other.server.url, 'GET', '/api/audit?limit=500');
    expect(audit.status).toBe(200);
    const about = audit.body.items.filter((e) => e.target === name);
    expect(about.filter((e) => e.action === 'container.webhook.trigger')).toHaveLength(1);
    const recreates = about.filter((e) => e.action === 'container.recreate');
    expect(recreates.map((e) => e.outcome)).toContain('success');
  });

  async function connect(base: string, bearer: string): Promise<Live> {
    const socket: Live = io(base, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${bearer}` },
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** A token of a new administrator other than the first. */
  async function otherUser(): Promise<string> {
    const username = `console-${RUN}`;
    const password = `${RUN}-other-password`;
    const made = await api(nginx.url, 'POST', '/api/users', {
      body: { username, password, isAdmin: true },
    });
    expect(made.status).toBe(201);
    return tokenOf(nginx.url, username, password);
  }

  /** The pid named by the holder of a replica lease (its identifier starts host:pid:…). */
  async function leaseHolder(name: string): Promise<number | null> {
    const value = await redis.get(`mutex:berth:lease:${name}`);
    return value ? Number(value.split(':')[1]) : null;
  }

  async function deployments(): Promise<TStackDeploymentList['items']> {
    const res = await api<TStackDeploymentList>(
      nginx.url,
      'GET',
      `/api/stacks/${stackId}/deployments`,
    );
    expect(res.status).toBe(200);
    return res.body.items;
  }

  async function settled(id: string): Promise<void> {
    await waitFor(
      async () => {
        const found = (await deployments()).find((d) => d.id === id);
        return found !== undefined && found.status !== 'running' && found.status !== 'queued';
      },
      90_000,
      `deployment ${id}`,
    );
  }
});

function ok<T>(result: SocketResult<T>): T {
  if (!result.ok) throw new Error(`socket request failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

async function signIn(
  base: string,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<{ cookie: string; csrfToken: string }> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

function adminToken(base: string): Promise<string> {
  return tokenOf(base, 'admin', ADMIN_PASSWORD);
}

async function tokenOf(base: string, username: string, password: string): Promise<string> {
  const session = await signIn(base, username, password);
  const res = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
    },
    body: JSON.stringify({ name: 'scale-out' }),
  });
  const made = { status: res.status, body: (await res.json()) as { token: string } };
  // The body shows in the failure: which replica refused the token, and why.
  expect(made).toMatchObject({ status: 201 });
  return made.body.token;
}
