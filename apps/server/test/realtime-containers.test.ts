import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SocketResult,
  TContainerStats,
  TCreateContainerResponse,
  TEngineEvent,
  TFleetSummary,
  TInventoryChange,
  TLogLine,
  TLoginResponse,
  TPullProgress,
} from '@berth/shared';
import { io, type Socket } from 'socket.io-client';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { ConsoleSessions } from '../src/realtime/console-sessions.js';
import { LogStreams } from '../src/realtime/log-streams.js';
import { StatsStreams } from '../src/realtime/stats-streams.js';
import { ADMIN_PASSWORD, TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * socket.io feeds against hosts a and b of the real fleet: logs (one shared engine stream per
 * container and options), exec and attach consoles, stats, engine events, inventory changes, the
 * summary push, image pull progress, and the same permission catalog as REST.
 */
jest.setTimeout(60_000);
/** How long a console whose socket left waits to be resumed (the product's default is 30 s). */
const CONSOLE_GRACE_MS = 8_000;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const direct: Record<'a' | 'b', CliTarget> = {
  a: { host: fleetHost('a').direct },
  b: { host: fleetHost('b').direct },
};

let berth: TestBerth;
let token: string;
const hostIds: Record<'a' | 'b', string> = { a: '', b: '' };
const clients: Client[] = [];
/** A running container made through the API, used by logs, exec and stats. */
let box: { id: string; name: string };

beforeAll(async () => {
  berth = await TestBerth.start({ BERTH_CONSOLE_GRACE_MS: String(CONSOLE_GRACE_MS) });
  // The tests' fetch shares this process's event loop with the server; a server that keeps idle
  // connections longer than the client does never closes one the client is about to reuse.
  token = await berth.adminToken();
  hostIds.a = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostIds.b = (await berth.addHost(token, fleetHost('b').registration)).id;
  const made = await berth.api<TCreateContainerResponse>(
    'POST',
    `/api/hosts/${hostIds.a}/containers`,
    {
      token,
      body: {
        image: IMAGE,
        name: `rt-${RUN}-box`,
        cmd: ['sh', '-c', 'echo booted; exec sleep 3600'],
        labels: { 'test.run': RUN },
      },
    },
  );
  expect(made.status).toBe(201);
  box = { id: made.body.id, name: made.body.name };
});

afterAll(async () => {
  clients.forEach((c) => c.disconnect());
  for (const target of Object.values(direct)) {
    const ids = (await docker(target, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(target, ['rm', '-f', ...ids]);
  }
  await berth?.stop();
});

async function connect(
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
): Promise<Client> {
  const client: Client = io(berth.url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: headers,
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return client;
}

/** A container on host a running `script` in a shell, labelled for removal; answers its id. */
function runLabelled(script: string): Promise<string> {
  return dockerOk(direct.a, ['run', '-d', '--label', LABEL, IMAGE, 'sh', '-c', script]);
}

/** Polls a condition on what the sockets have received so far. */
function eventually(check: () => boolean, ms: number, what: string): Promise<number> {
  return waitFor(() => Promise.resolve(check()), ms, what);
}

function ok<T>(result: SocketResult<T>): T {
  if (!result.ok) throw new Error(`socket request failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

/** Resolves with the first event matching `pick`, or fails after `ms`. */
function next<E extends keyof ServerToClientEvents, T = Parameters<ServerToClientEvents[E]>[0]>(
  client: Client,
  event: E,
  pick: (payload: T) => boolean,
  ms = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, handler as never);
      reject(new Error(`no ${event} in ${ms} ms`));
    }, ms);
    const handler = (payload: T) => {
      if (!pick(payload)) return;
      clearTimeout(timer);
      client.off(event, handler as never);
      resolve(payload);
    };
    client.on(event, handler as never);
  });
}

/** A session id of the same shape as real ones that no session has. */
function randomUUIDLike(): string {
  return '00000000-0000-4000-8000-' + randomBytes(6).toString('hex');
}

/** Everything a log subscription receives. */
function collectLines(client: Client, subscriptionId: string): TLogLine[] {
  const lines: TLogLine[] = [];
  client.on('logs.lines', (event) => {
    if (event.subscriptionId === subscriptionId) lines.push(...event.lines);
  });
  return lines;
}

/** The numbers of a counter's lines (`n 7` → 7). */
const numbers = (lines: TLogLine[]) => lines.map((l) => Number(l.text.split(' ')[1]));

/** Where counted lines skip or repeat: each pair of neighbours that are not n, n + 1. */
const breaks = (seen: number[]) =>
  seen.flatMap((n, i) => (i > 0 && n !== seen[i - 1]! + 1 ? [[seen[i - 1], n]] : []));

type FollowRequest = {
  hostId: string;
  containerId: string;
  follow: true;
  tail: number;
  resumeAfter?: string;
};

/** Starts a container on host a printing `n 0`, `n 1`… twenty lines a second; its log, followed. */
async function followCounter(): Promise<FollowRequest> {
  const containerId = await runLabelled(
    'i=0; while true; do echo "n $i"; i=$((i+1)); sleep 0.05; done',
  );
  return { hostId: hostIds.a, containerId, follow: true, tail: 3 };
}

/** Follows a counter's log on a new socket until `done`, then leaves; its lines and last cursor. */
async function watchCounter(request: FollowRequest, done: (seen: number[]) => boolean) {
  const client = await connect();
  const got: TLogLine[] = [];
  let cursor = '';
  client.on('logs.lines', (event) => {
    got.push(...event.lines);
    cursor = event.cursor ?? cursor;
  });
  ok(await client.emitWithAck('logs.subscribe', request));
  await eventually(() => done(numbers(got)), 10_000, `lines of ${JSON.stringify(request)}`);
  client.disconnect();
  return { got, cursor };
}

describe('logs', () => {
  it('two viewers share one engine stream; a line written inside arrives in under 2 s', async () => {
    const hub = berth.server.app.get(LogStreams).hub;
    const before = hub.upstreams;
    const [one, two] = await Promise.all([connect(), connect()]);
    const request = {
      hostId: hostIds.a,
      containerId: box.id,
      follow: true,
      tail: 10,
      timestamps: true,
    };
    const subOne = ok(await one.emitWithAck('logs.subscribe', request)).subscriptionId;
    const linesOne = collectLines(one, subOne);
    const subTwo = ok(
      await two.emitWithAck('logs.subscribe', { ...request, containerId: box.name }),
    ).subscriptionId;
    const linesTwo = collectLines(two, subTwo);
    expect(hub.upstreams).toBe(before + 1);
    // Both get the tail, the second one from the shared stream's replay.
    await eventually(() => linesOne.length > 0 && linesTwo.length > 0, 5_000, 'the tail');
    expect(linesOne[0]).toMatchObject({ stream: 'stdout', text: 'booted' });
    expect(linesTwo[0]).toMatchObject({ stream: 'stdout', text: 'booted' });

    // When each line reached a viewer, to compare with the engine's own time of the write.
    const arrivals = new Map<string, number>();
    for (const client of [one, two]) {
      client.on('logs.lines', ({ subscriptionId, lines }) => {
        for (const line of lines) arrivals.set(`${subscriptionId} ${line.text}`, Date.now());
      });
    }
    const started = Date.now();
    await dockerOk(direct.a, [
      'exec',
      box.name,
      'sh',
      '-c',
      `echo out-${RUN} > /proc/1/fd/1; echo err-${RUN} > /proc/1/fd/2`,
    ]);
    const arrived = () =>
      [linesOne, linesTwo].every(
        (lines) =>
          lines.some((l) => l.text === `out-${RUN}` && l.stream === 'stdout') &&
          lines.some((l) => l.text === `err-${RUN}` && l.stream === 'stderr'),
      );
    await eventually(arrived, 5_000, 'the lines in both viewers');
    const elapsed = Date.now() - started;
    // The engine stamps each line as the container writes it; both viewers had it within 2 s.
    const written = Date.parse(linesOne.find((l) => l.text === `out-${RUN}`)!.time!);
    const latency = Math.max(
      arrivals.get(`${subOne} out-${RUN}`)! - written,
      arrivals.get(`${subTwo} out-${RUN}`)! - written,
    );
    expect(latency).toBeLessThan(2_000);
    console.log(
      `logs: written inside → both viewers in ${latency} ms (${elapsed} ms including docker exec)`,
    );

    expect(await one.emitWithAck('unsubscribe', { subscriptionId: subOne })).toEqual({
      ok: true,
      data: null,
    });
    expect(hub.upstreams).toBe(before + 1);
    two.disconnect();
    await eventually(() => hub.upstreams === before, 2_000, 'the upstream to close');
  });

  it('answers a tail with timestamps, then ends a stream that does not follow', async () => {
    const client = await connect();
    const ended = next(client, 'subscription.end', () => true);
    const { subscriptionId } = ok(
      await client.emitWithAck('logs.subscribe', {
        hostId: hostIds.a,
        containerId: box.id,
        follow: false,
        tail: 1,
        timestamps: true,
      }),
    );
    const lines = collectLines(client, subscriptionId);
    expect(await ended).toEqual({ subscriptionId, reason: 'end of the log' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  });

  it('a viewer coming back after a reconnect gets the lines written meanwhile, not the tail again', async () => {
    const request = await followCounter();
    const watch = (asked: FollowRequest, enough: number) =>
      watchCounter(asked, (seen) => seen.length >= enough);

    // Alone: the stream closes with the viewer and opens again from its cursor.
    const first = await watch(request, 10);
    expect(first.cursor).toMatch(/^\d+\.\d{9}$/);
    expect(first.got.filter((l) => l.time !== undefined)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_000));
    const back = await watch({ ...request, resumeAfter: first.cursor }, 30);
    expect(breaks(numbers([...first.got, ...back.got]))).toEqual([]);

    // Beside another viewer: the shared stream's kept lines fill the gap. The other viewer opens
    // the stream from the same cursor (it too comes back), so what it keeps reaches back there.
    const other = await connect();
    ok(await other.emitWithAck('logs.subscribe', { ...request, resumeAfter: back.cursor }));
    const again = await watch({ ...request, resumeAfter: back.cursor }, 10);
    await new Promise((r) => setTimeout(r, 1_000));
    const last = await watch({ ...request, resumeAfter: again.cursor }, 30);
    expect(breaks(numbers([...first.got, ...back.got, ...again.got, ...last.got]))).toEqual([]);
    other.disconnect();
  });

  it('a viewer coming back to a stream another viewer opened since with its own tail also gets the lines between', async () => {
    const hub = berth.server.app.get(LogStreams).hub;
    const request = await followCounter();
    let open = 0;
    const first = await watchCounter(request, (seen) => {
      open = hub.upstreams;
      return seen.length >= 10;
    });
    await eventually(() => hub.upstreams < open, 2_000, 'the stream to close with its viewer');
    // About twenty lines the returning viewer has not had, beyond the reach of the next tail.
    await new Promise((r) => setTimeout(r, 1_000));
    const other = await connect();
    const fresh: TLogLine[] = [];
    other.on('logs.lines', (event) => fresh.push(...event.lines));
    ok(await other.emitWithAck('logs.subscribe', request));
    await eventually(() => fresh.length >= 3, 5_000, "the other viewer's tail");
    const kept = numbers(fresh);
    expect(kept[0]).toBeGreaterThan(numbers(first.got).at(-1)! + 1);

    const back = await watchCounter(
      { ...request, resumeAfter: first.cursor },
      (seen) => seen.at(-1)! >= kept.at(-1)! + 10,
    );
    expect(breaks(numbers([...first.got, ...back.got]))).toEqual([]);
    // The viewer that opened the stream got its tail and every line since, once each.
    expect(breaks(numbers(fresh))).toEqual([]);
    other.disconnect();
  });

  it('refuses a resumeAfter that is no cursor a log gave, and another viewer of the stream keeps its lines', async () => {
    const ticker = await runLabelled(
      'i=0; while true; do echo "t $i"; i=$((i+1)); sleep 0.1; done',
    );
    const request = { hostId: hostIds.a, containerId: ticker, follow: true, tail: 1 };
    const client = await connect();
    // Sent as a client that ignores the event map's types would.
    for (const resumeAfter of [
      '9999999999999.000000000',
      '-1.000000000',
      12345,
      { seconds: 1 },
      '',
      // Far in the future: no line the engine wrote is after it.
      '999999999999.000000000',
    ]) {
      expect(
        await client.emitWithAck('logs.subscribe', {
          ...request,
          resumeAfter: resumeAfter as string,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', issues: [{ path: 'resumeAfter' }] },
      });
    }
    // The refused cursor opened nothing: a viewer of the same log gets its lines.
    const got: TLogLine[] = [];
    client.on('logs.lines', (event) => got.push(...event.lines));
    ok(await client.emitWithAck('logs.subscribe', request));
    await eventually(() => got.length >= 5, 10_000, 'lines to the other viewer');
    client.disconnect();
  });

  it('a resumeAfter long ago sends at most the last 1,000 lines, not the whole log', async () => {
    const long = await runLabelled('seq 1 3000; sleep 3600');
    await waitFor(
      async () => (await dockerOk(direct.a, ['logs', '--tail', '1', long])) === '3000',
      10_000,
      'the log written',
    );
    const client = await connect();
    const got: TLogLine[] = [];
    client.on('logs.lines', (event) => got.push(...event.lines));
    const request = { hostId: hostIds.a, containerId: long, follow: true, tail: 3 };
    ok(await client.emitWithAck('logs.subscribe', { ...request, resumeAfter: '1.000000000' }));
    await eventually(() => got.at(-1)?.text === '3000', 10_000, 'the last line');
    // Anything still on its way has arrived by now.
    await new Promise((r) => setTimeout(r, 500));
    expect(got.map((l) => l.text)[0]).toBe('2001');
    expect(got).toHaveLength(1000);
    client.disconnect();
  });

  it('names invalid fields and unknown containers', async () => {
    const client = await connect();
    const bad = await client.emitWithAck('logs.subscribe', {
      hostId: hostIds.a,
      containerId: box.id,
      tail: -1,
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', issues: [{ path: 'tail' }] },
    });
    const missing = await client.emitWithAck('logs.subscribe', {
      hostId: hostIds.a,
      containerId: `missing-${RUN}`,
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const cursor = await client.emitWithAck('logs.subscribe', {
      hostId: hostIds.a,
      containerId: box.id,
      resumeAfter: '2026-12-05T23:10:00Z',
    });
    expect(cursor).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', issues: [{ path: 'resumeAfter' }] },
    });
  });
});

describe('consoles', () => {
  it('exec: runs a shell in a TTY, echoes input, and audits start and end with the exit code', async () => {
    const client = await connect();
    let output = '';
    client.on('console.output', (event) => (output += event.data));
    const { sessionId, execId } = ok(
      await client.emitWithAck('console.exec', {
        hostId: hostIds.a,
        containerId: box.name,
        cols: 100,
        rows: 30,
      }),
    );
    expect(execId).toMatch(/^[0-9a-f]{64}$/);
    const exited = next(client, 'console.exit', (e) => e.sessionId === sessionId);
    client.emit('console.resize', { sessionId, cols: 120, rows: 40 });
    client.emit('console.input', { sessionId, data: 'echo hi\n' });
    await eventually(
      () => /(^|\n)hi\r?\n/.test(output),
      5_000,
      `"hi" in ${JSON.stringify(output)}`,
    );
    client.emit('console.input', { sessionId, data: 'exit 3\n' });
    expect(await exited).toEqual({ sessionId, exitCode: 3, reason: 'exited' });
    const db = berth.server.app.get(PrismaService).db;
    await waitFor(
      async () =>
        (await db.auditEvent.count({ where: { action: 'container.exec_end', target: box.name } })) >
        0,
      5_000,
      'the end record',
    );
    const rows = await db.auditEvent.findMany({
      where: { action: { in: ['container.exec_start', 'container.exec_end'] }, target: box.name },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.action, r.actorName, r.hostId])).toEqual([
      ['container.exec_start', 'admin (token ' + rows[0]!.actorName.split('token ')[1], hostIds.a],
      ['container.exec_end', rows[0]!.actorName, hostIds.a],
    ]);
    expect(JSON.parse(rows[0]!.details!)).toMatchObject({ command: '/bin/sh', execId, id: box.id });
    expect(JSON.parse(rows[1]!.details!)).toMatchObject({
      command: '/bin/sh',
      execId,
      exitCode: 3,
    });
  });

  it('exec: a chosen command and user; close ends the session', async () => {
    const client = await connect();
    let output = '';
    client.on('console.output', (event) => (output += event.data));
    const { sessionId } = ok(
      await client.emitWithAck('console.exec', {
        hostId: hostIds.a,
        containerId: box.id,
        cmd: ['sh', '-c', 'id -un; exec cat'],
        user: 'nobody',
      }),
    );
    await eventually(() => output.includes('nobody'), 5_000, 'the user name');
    const exited = next(client, 'console.exit', (e) => e.sessionId === sessionId);
    client.emit('console.close', { sessionId });
    await expect(exited).resolves.toMatchObject({ sessionId });
    expect(berth.server.app.get(ConsoleSessions).open).toBe(0);
  });

  it('attach: joins the main process of a TTY container and detaches without stopping it', async () => {
    const made = await berth.api<TCreateContainerResponse>(
      'POST',
      `/api/hosts/${hostIds.b}/containers`,
      {
        token,
        body: {
          image: IMAGE,
          cmd: ['sh'],
          tty: true,
          interactive: true,
          labels: { 'test.run': RUN },
        },
      },
    );
    expect(made.status).toBe(201);
    const client = await connect();
    let output = '';
    client.on('console.output', (event) => (output += event.data));
    const { sessionId, tty } = ok(
      await client.emitWithAck('console.attach', { hostId: hostIds.b, containerId: made.body.id }),
    );
    expect(tty).toBe(true);
    client.emit('console.input', { sessionId, data: `echo attached-${RUN}\n` });
    await eventually(() => output.includes(`attached-${RUN}\r\n`), 5_000, 'the echo');
    const exited = next(client, 'console.exit', (e) => e.sessionId === sessionId);
    client.emit('console.close', { sessionId });
    expect(await exited).toEqual({ sessionId, exitCode: null, reason: 'detached' });
    expect(
      await dockerOk(direct.b, ['inspect', '--format', '{{.State.Running}}', made.body.id]),
    ).toBe('true');
  });
});

describe('consoles across a reconnect', () => {
  /** A shell in the box, opened through `client`, with everything it printed. */
  async function shell(
    client: Client,
  ): Promise<{ sessionId: string; execId: string; output: () => string }> {
    let output = '';
    client.on('console.output', (event) => (output += event.data));
    const opened = ok(
      await client.emitWithAck('console.exec', { hostId: hostIds.a, containerId: box.id }),
    );
    return { ...opened, output: () => output };
  }

  /** Everything `client` receives of one session from now on. */
  function collect(client: Client, sessionId: string): () => string {
    let output = '';
    client.on('console.output', (event) => {
      if (event.sessionId === sessionId) output += event.data;
    });
    return () => output;
  }

  const endRecords = (execId: string) =>
    berth.server.app.get(PrismaService).db.auditEvent.count({
      where: { action: 'container.exec_end', details: { contains: execId } },
    });

  it('a shell keeps its state and the output written meanwhile for the same credential, and refuses everyone else alike', async () => {
    const first = await connect();
    const { sessionId, execId, output } = await shell(first);
    first.emit('console.input', { sessionId, data: 'cd /tmp && export X=1\n' });
    // The echoed command shows `la""ter`; only the shell's own output reads `later`.
    first.emit('console.input', { sessionId, data: 'sleep 1; echo la""ter\n' });
    await eventually(() => output().includes('echo la""ter'), 5_000, 'the typed command');
    first.disconnect();
    // The shell writes `later` while no socket views it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const second = await connect();
    const after = collect(second, sessionId);
    const resumed = ok(await second.emitWithAck('console.resume', { sessionId }));
    expect(resumed).toMatchObject({ sessionId, kind: 'exec', tty: true });
    expect(resumed.output).toMatch(/(^|\n)later\r?\n/);
    second.emit('console.input', { sessionId, data: 'pwd; echo "X=$X"\n' });
    await eventually(
      () => /(^|\n)\/tmp\r?\n/.test(after()) && /(^|\n)X=1\r?\n/.test(after()),
      5_000,
      `/tmp and X=1 in ${JSON.stringify(after())}`,
    );

    // Another user, and a session that never existed: the same answer.
    const db = berth.server.app.get(PrismaService).db;
    const password = 'console-stranger-password';
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(password);
    const stranger = await db.user.create({
      data: { username: `stranger-${RUN}`, passwordHash, isAdmin: true },
    });
    const strangerSession = await berth.signIn(stranger.username, password);
    const other = await connect({ cookie: strangerSession.cookie });
    const refused = await other.emitWithAck('console.resume', { sessionId });
    const unknown = await other.emitWithAck('console.resume', { sessionId: randomUUIDLike() });
    expect(refused).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'console ended' } });
    expect(unknown).toEqual(refused);
    const invalid = await other.emitWithAck('console.resume', { sessionId: '' });
    expect(invalid).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', issues: [{ path: 'sessionId' }] },
    });
    // The same user through another credential is someone else too.
    const otherToken = await berth.adminToken();
    const sameUser = await connect({ authorization: `Bearer ${otherToken}` });
    expect(await sameUser.emitWithAck('console.resume', { sessionId })).toEqual(refused);

    // The owner takes it over from a third socket while the second is still connected.
    const third = await connect();
    const onThird = collect(third, sessionId);
    // Asked from the start (`after: 0`), it answers everything it kept: what the first socket saw first.
    const fromStart = ok(await third.emitWithAck('console.resume', { sessionId, after: 0 }));
    expect(fromStart.output.startsWith(output())).toBe(true);
    expect(fromStart.output).toContain(resumed.output);
    const secondBefore = after().length;
    second.emit('console.input', { sessionId, data: 'echo sec""ond\n' });
    third.emit('console.input', { sessionId, data: 'echo thi""rd\n' });
    await eventually(() => /(^|\n)third\r?\n/.test(onThird()), 5_000, 'third on the new socket');
    expect(onThird()).not.toMatch(/(^|\n)second\r?\n/);
    expect(after().length).toBe(secondBefore);

    // Nobody resumes it within the grace period: it ends, audited as before.
    third.disconnect();
    second.disconnect();
    expect(await endRecords(execId)).toBe(0);
    await waitFor(
      async () => (await endRecords(execId)) === 1,
      CONSOLE_GRACE_MS + 10_000,
      'the end record',
    );
    const last = await connect();
    expect(await last.emitWithAck('console.resume', { sessionId })).toEqual(refused);
  });

  it('a console whose user lost the grant on its host meanwhile is not resumed, and ends', async () => {
    const db = berth.server.app.get(PrismaService).db;
    const password = 'console-operator-password';
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(password);
    const user = await db.user.create({ data: { username: `operator-${RUN}`, passwordHash } });
    const grant = await berth.api<{ id: string }>('POST', '/api/grants', {
      token,
      body: { userId: user.id, hostId: hostIds.a, role: 'operator' },
    });
    expect(grant.status).toBe(201);
    const login = await berth.signIn(user.username, password);
    const client = await connect({ cookie: login.cookie });
    const { sessionId, execId } = await shell(client);
    client.disconnect();
    const removed = await berth.api('DELETE', `/api/grants/${grant.body.id}`, { token });
    expect(removed.status).toBe(204);
    const back = await connect({ cookie: login.cookie });
    expect(await back.emitWithAck('console.resume', { sessionId })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'console ended' },
    });
    await waitFor(
      async () => (await endRecords(execId)) === 1,
      CONSOLE_GRACE_MS / 2,
      'the end record',
    );
  });

  it('a console waiting to be resumed ends at once when its credential is revoked', async () => {
    const session = await berth.signIn('admin', ADMIN_PASSWORD);
    const made = await berth.createToken(session, `console-${RUN}`);
    const client = await connect({ authorization: `Bearer ${made.token}` });
    const { sessionId, execId, output } = await shell(client);
    client.emit('console.input', { sessionId, data: 'echo rea""dy\n' });
    await eventually(() => /(^|\n)ready\r?\n/.test(output()), 5_000, 'the shell');
    client.disconnect();
    const revoked = await berth.api('DELETE', `/api/tokens/${made.id}`, { token });
    expect(revoked.status).toBe(204);
    // Well before the grace period would have ended it.
    await waitFor(
      async () => (await endRecords(execId)) === 1,
      CONSOLE_GRACE_MS / 2,
      'the end record',
    );
  });
});

describe('stats', () => {
  it('samples one container for every viewer from one engine stream, and sums a host', async () => {
    const hub = berth.server.app.get(StatsStreams).hub;
    const before = hub.upstreams;
    const [one, two] = await Promise.all([connect(), connect()]);
    const samples: TContainerStats[] = [];
    one.on('stats.sample', (s) => samples.push(s));
    const request = { hostId: hostIds.a, containerId: box.name };
    ok(await one.emitWithAck('stats.subscribe', request));
    const second = next(two, 'stats.sample', () => true);
    ok(await two.emitWithAck('stats.subscribe', request));
    expect(hub.upstreams).toBe(before + 1);
    const sample = await second;
    expect(sample).toMatchObject({ hostId: hostIds.a, containerId: box.id });
    expect(sample.memoryUsage).toBeGreaterThan(0);
    expect(sample.memoryLimit).toBeGreaterThan(sample.memoryUsage);
    expect(sample.memoryPercent).toBeCloseTo((sample.memoryUsage / sample.memoryLimit) * 100, 1);
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sample.cpuPercent).toBeLessThan(400);
    expect(sample.pids).toBeGreaterThanOrEqual(1);
    await eventually(() => samples.length >= 2, 5_000, 'a second sample');
    const host = await connect();
    const sum = next(host, 'host-stats.sample', () => true, 8_000);
    ok(await host.emitWithAck('host-stats.subscribe', { hostId: hostIds.a }));
    const summed = await sum;
    expect(summed.hostId).toBe(hostIds.a);
    expect(summed.containers).toBeGreaterThanOrEqual(1);
    expect(summed.memoryUsage).toBeGreaterThanOrEqual(sample.memoryUsage / 2);
    [one, two, host].forEach((c) => c.disconnect());
    await eventually(() => hub.upstreams === before, 3_000, 'stats streams to close');
  });
});

describe('engine events', () => {
  it('feeds one host filtered by type and container, and the whole fleet filtered by action', async () => {
    const client = await connect();
    const name = `rt-${RUN}-evt`;
    const hostEvents: TEngineEvent[] = [];
    const fleetEvents: TEngineEvent[] = [];
    const perHost = ok(
      await client.emitWithAck('events.subscribe', {
        hostId: hostIds.a,
        types: ['container'],
        containerId: name,
      }),
    ).subscriptionId;
    const fleetWide = ok(
      await client.emitWithAck('events.subscribe', { actions: ['start'] }),
    ).subscriptionId;
    client.on('engine.event', ({ subscriptionId, event }) => {
      if (subscriptionId === perHost) hostEvents.push(event);
      if (subscriptionId === fleetWide) fleetEvents.push(event);
    });
    await dockerOk(direct.a, ['run', '-d', '--name', name, '--label', LABEL, IMAGE, 'sleep', '60']);
    const onB = await dockerOk(direct.b, ['run', '-d', '--label', LABEL, IMAGE, 'sleep', '60']);
    await eventually(
      () =>
        ['create', 'start'].every((a) => hostEvents.some((e) => e.action === a)) &&
        fleetEvents.some((e) => e.hostId === hostIds.b && e.id === onB),
      5_000,
      'the events',
    );
    expect(
      hostEvents.every((e) => e.type === 'container' && e.name === name && e.hostId === hostIds.a),
    ).toBe(true);
    expect(fleetEvents.every((e) => e.action === 'start')).toBe(true);
    expect(fleetEvents.find((e) => e.id === onB)).toMatchObject({
      type: 'container',
      attributes: expect.objectContaining({ image: IMAGE }),
    });
    expect(new Date(hostEvents[0]!.time).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('inventory changes and the summary', () => {
  it('pushes container changes and a new fleet summary when a container appears', async () => {
    const client = await connect();
    const { summary } = ok(await client.emitWithAck('summary.subscribe', {}));
    const totalOf = (s: TFleetSummary) =>
      s.perHost.find((h) => h.hostId === hostIds.b)!.containers.total;
    const before = totalOf(summary);
    const changes: TInventoryChange[] = [];
    ok(await client.emitWithAck('containers.subscribe', { hostId: hostIds.b }));
    client.on('containers.change', ({ change }) => changes.push(change));
    const pushed = next(client, 'fleet.summary', (e) => totalOf(e.summary) > before);
    const name = `rt-${RUN}-new`;
    const id = await dockerOk(direct.b, [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      LABEL,
      IMAGE,
      'sleep',
      '60',
    ]);
    await pushed;
    await eventually(
      () =>
        changes.some(
          (c) => c.kind === 'upsert' && c.container.id === id && c.container.state === 'running',
        ),
      5_000,
      'an upsert',
    );
    expect(changes.every((c) => c.hostId === hostIds.b)).toBe(true);
    await dockerOk(direct.b, ['rm', '-f', id]);
    await eventually(
      () => changes.some((c) => c.kind === 'remove' && c.id === id),
      5_000,
      'a remove',
    );
  });
});

describe('image pull progress', () => {
  const ref = `${fleet().registry.address}/berth-rt-${RUN}/busybox:1`;

  afterAll(async () => {
    await docker(direct.b, ['rmi', '-f', ref]);
  });

  it('pulls a missing image with stored credentials and pushes progress to the caller', async () => {
    const { address, username, password } = fleet().registry;
    const stored = await berth.api('POST', '/api/registries', {
      token,
      body: { name: `fleet-${RUN}`, serverAddress: address, username, password },
    });
    expect(stored.status).toBe(201);
    // Put an image in the registry through host a (the gateway adds the stored login).
    const gw: CliTarget = { host: gatewayHost(berth.url, hostIds.a), token };
    await dockerOk(gw, ['tag', IMAGE, ref]);
    await dockerOk(gw, ['push', ref]);
    await dockerOk(gw, ['rmi', ref]);
    await docker(direct.b, ['rmi', '-f', ref]);

    const client = await connect();
    const progress: TPullProgress[] = [];
    client.on('image.pull', (event) => progress.push(event));
    const requestId = `pull-${RUN}-0001`;
    const res = await berth.api<TCreateContainerResponse>(
      'POST',
      `/api/hosts/${hostIds.b}/containers`,
      {
        token,
        headers: { 'x-request-id': requestId },
        body: { image: ref, cmd: ['true'], start: false, labels: { 'test.run': RUN } },
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.pulled).toBe(true);
    await eventually(() => progress.some((p) => p.done), 2_000, 'the last progress event');
    expect(
      progress.every((p) => p.requestId === requestId && p.hostId === hostIds.b && p.image === ref),
    ).toBe(true);
    expect(progress.map((p) => p.status)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Pull complete|Already exists|Downloaded newer image/),
      ]),
    );
    expect(progress.at(-1)).toMatchObject({ status: 'complete', done: true });
    const missing = await berth.api<{ error: { details: { issues: { path: string }[] } } }>(
      'POST',
      `/api/hosts/${hostIds.b}/containers`,
      { token, body: { image: `${address}/berth-rt-${RUN}/nothing:1` } },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0]!.path).toBe('image');
  });
});

describe('the permission catalog over sockets', () => {
  let reader: Client;

  beforeAll(async () => {
    const db = berth.server.app.get(PrismaService).db;
    const password = 'socket-reader-password';
    const passwordHash = await berth.server.app.get(PasswordHasher).hash(password);
    const user = await db.user.create({ data: { username: `sock-${RUN}`, passwordHash } });
    await db.grant.create({ data: { userId: user.id, hostId: hostIds.a, role: 'read-only' } });
    const login = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `sock-${RUN}`, password }),
    });
    expect(((await login.json()) as TLoginResponse).user.isAdmin).toBe(false);
    reader = await connect({ cookie: login.headers.get('set-cookie')!.split(';')[0]! });
  });

  it('refuses stats and exec without their permissions, and hides other hosts', async () => {
    const stats = await reader.emitWithAck('stats.subscribe', {
      hostId: hostIds.a,
      containerId: box.id,
    });
    expect(stats).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const exec = await reader.emitWithAck('console.exec', {
      hostId: hostIds.a,
      containerId: box.id,
    });
    expect(exec).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('container.exec') },
    });
    const hidden = await reader.emitWithAck('events.subscribe', { hostId: hostIds.b });
    expect(hidden).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'host not found' },
    });
    const denied = await berth.server.app
      .get(PrismaService)
      .db.auditEvent.findMany({ where: { action: 'container.exec_start', outcome: 'denied' } });
    expect(denied.map((r) => r.actorName)).toContain(`sock-${RUN}`);
  });

  it('allows what read-only includes: logs, and the events feed of its host', async () => {
    const logs = await reader.emitWithAck('logs.subscribe', {
      hostId: hostIds.a,
      containerId: box.id,
    });
    expect(logs.ok).toBe(true);
    const events = await reader.emitWithAck('events.subscribe', { hostId: hostIds.a });
    expect(events.ok).toBe(true);
    const { summary } = ok(await reader.emitWithAck('summary.subscribe', {}));
    expect(summary.perHost.map((h) => h.hostId)).toEqual([hostIds.a]);
  });
});
