import { request } from 'node:http';
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { THost } from '@berth/shared';
import Docker from 'dockerode';
import { enginePoolTiming } from '../src/docker/engine-connection.js';
import { SharedReads } from '../src/gateway/shared-reads.js';
import { EngineRegistry } from '../src/hosts/engine-registry.js';
import { TestBerth, waitFor } from './support/berth.js';
import { EngineTap, type TapAction } from './support/engine-tap.js';
import { openDescriptors, withTimeout } from './support/settling.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import { type FramedAnswer, HttpConnection } from './support/http-connection.js';

/**
 * The gateway's hop to the engine (a pooled undici connection per host) as clients meet it: an
 * engine that breaks off mid-answer, a host removed or moved under open streams and uploads, the
 * framing the docker CLI and other clients send, pooled connections left idle on SSH and TLS,
 * and more calls at once than the pool has connections.
 */
describe('the gateway hop to the engine', () => {
  let berth: TestBerth;
  let admin: string;
  let a: THost;
  let tap: EngineTap;
  let tapped: THost;
  const engine = new Docker({ socketPath: fleet().a.replace('unix://', '') });
  const run = Math.random().toString(36).slice(2, 8);
  const label = { 'test.engine-hop': run };
  /** A stopped container whose log is 7000 lines of 100 bytes (about 770 KB with frame headers). */
  let chatty: string;

  beforeAll(async () => {
    berth = await TestBerth.start({ BERTH_REQUEST_IDLE_MS: '1000' });
    admin = await berth.adminToken();
    a = await berth.addHost(admin, { name: 'a', url: fleet().a });
    tap = await EngineTap.start(fleet().a.replace('unix://', ''));
    tapped = await berth.addHost(admin, { name: 'a-tapped', url: `unix://${tap.path}` });
    chatty = await loggedLines(7000);
  });

  /** A stopped container whose log is `count` lines of 100 bytes; answers its id. */
  async function loggedLines(count: number): Promise<string> {
    const container = await engine.createContainer({
      Image: fleet().image,
      Cmd: ['sh', '-c', `yes ${'x'.repeat(99)} | head -n ${count}`],
      Labels: label,
    });
    await container.start();
    await container.wait();
    return container.id;
  }

  afterAll(async () => {
    enginePoolTiming.idleMs = 30_000;
    const mine = await engine.listContainers({
      all: true,
      filters: { label: [`test.engine-hop=${run}`] },
    });
    await Promise.all(mine.map((c) => engine.getContainer(c.Id).remove({ force: true })));
    await tap.close();
    await berth.stop();
  });

  const gatewayPath = (host: THost, path: string) => `/api/hosts/${host.id}/docker/v1.41${path}`;
  const bearer = () => ({ Authorization: `Bearer ${admin}` });

  /** One request on a fresh connection, its answer read by its framing. */
  async function once(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<FramedAnswer> {
    const connection = await HttpConnection.open(berth.url);
    const length: Record<string, string> = body ? { 'Content-Length': String(body.length) } : {};
    connection.send(method, path, { ...bearer(), ...length, ...headers }, body);
    const answer = await connection.answer(method);
    connection.destroy();
    return answer;
  }

  /** The settled audit record of the last call to `route` on a host, once there is one. */
  async function audited(
    hostId: string,
    route: string,
  ): Promise<{ outcome: string; status: number | null }> {
    let found: { outcome: string; status: number | null } | undefined;
    await waitFor(
      async () => {
        const audit = await berth.api<{
          items: { outcome: string; status: number | null; details: { path?: string } }[];
        }>('GET', `/api/audit?action=engine.call&hostId=${hostId}&limit=20`, { token: admin });
        found = audit.body.items.find((item) => item.details.path === route);
        return found !== undefined;
      },
      5000,
      `the call to ${route} to be settled`,
    );
    return found!;
  }

  async function hostWorks(host: THost): Promise<void> {
    const ping = await once('GET', gatewayPath(host, '/containers/json?all=1'));
    expect(ping).toMatchObject({ status: 200, complete: true });
    expect(Array.isArray(JSON.parse(ping.body.toString()))).toBe(true);
  }

  /** Waits until the server holds no more descriptors than `before` (and a little slack). */
  function descriptorsSettle(before: number, what: string): Promise<number> {
    return waitFor(() => Promise.resolve(openDescriptors() <= before + 2), 8000, what);
  }

  describe('an engine that breaks off mid-answer', () => {
    const cuts = [
      ['a finished log held whole', `/containers/{id}/logs?stdout=1&tail=500`, 20_000],
      ['a large log streamed', `/containers/{id}/logs?stdout=1`, 400_000],
      ['an inspect with its length held whole', `/containers/{id}/json`, 500],
      ['a small archive held whole', `/containers/{id}/archive?path=/etc`, 3000],
      ['a large archive streamed', `/containers/{id}/archive?path=/bin`, 600_000],
    ] as const;

    it.each(cuts)('cuts the client off %s, and the host keeps answering', async (_, path, at) => {
      const whole = await once('GET', gatewayPath(tapped, path.replace('{id}', chatty)));
      expect(whole).toMatchObject({ status: 200, complete: true });
      expect(whole.body.length).toBeGreaterThan(at);

      tap.before = () => Promise.resolve({ cutAfter: at });
      const cut = await once('GET', gatewayPath(tapped, path.replace('{id}', chatty)));
      tap.before = () => Promise.resolve('pass');
      // Either no answer at all or one whose framing shows it is short: never one that looks whole.
      expect(cut.complete).toBe(false);
      expect(cut.body.length).toBeLessThan(whole.body.length);
      await hostWorks(tapped);
    });

    it('answers an inspect rewritten for its caller with an error, never a short one', async () => {
      const token = await grantedUserToken(berth, `hop-operator-${run}`, tapped.id, 'operator');
      const path = gatewayPath(tapped, `/containers/${chatty}/json`);
      const whole = await once('GET', path, { Authorization: `Bearer ${token}` });
      expect(whole).toMatchObject({ status: 200, complete: true });
      // Only the caller's inspect is cut (the ownership check asks the engine on its own).
      tap.before = (req) =>
        Promise.resolve(
          req.url === `/v1.41/containers/${chatty}/json` ? { cutAfter: 200 } : 'pass',
        );
      const cut = await once('GET', path, { Authorization: `Bearer ${token}` });
      tap.before = () => Promise.resolve('pass');
      expect(cut).toMatchObject({ status: 502, complete: true });
      expect(JSON.parse(cut.body.toString())).toMatchObject({ error: { code: 'ENGINE_ERROR' } });
      await hostWorks(tapped);
    });

    it('leaves a build cut mid-progress audited as unknown, and the client cut', async () => {
      const context = tarOf(
        'Dockerfile',
        Buffer.from(`FROM ${fleet().image}\nRUN echo built-${run}\n`),
      );
      tap.before = (req) =>
        Promise.resolve(req.url?.includes('/build') ? { cutAfter: 20 } : 'pass');
      const cut = await once(
        'POST',
        gatewayPath(tapped, `/build?rm=1&labels=${encodeURIComponent(JSON.stringify(label))}`),
        { 'Content-Type': 'application/x-tar' },
        context,
      );
      tap.before = () => Promise.resolve('pass');
      expect(cut).toMatchObject({ status: 200, complete: false });
      expect(await audited(tapped.id, '/build')).toMatchObject({
        outcome: 'unknown',
        status: null,
      });
      await hostWorks(tapped);
    });
  });

  describe('a finished log', () => {
    const log = () => gatewayPath(a, `/containers/${chatty}/logs?stdout=1&tail=100`);

    it('streams from its first line while nothing else waits on the gateway', async () => {
      const answer = await once('GET', log());
      expect(answer).toMatchObject({ status: 200, complete: true });
      expect(answer.headers['transfer-encoding']).toBe('chunked');
      expect(answer.body.length).toBe(100 * (8 + 100));
    });

    it('goes out whole, with its length, while another call waits on an engine', async () => {
      let answerInfo: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (answerInfo = resolve));
      let holding = false;
      tap.before = (req) => {
        if (!req.url?.endsWith('/info')) return Promise.resolve('pass');
        holding = true;
        return held.then(() => 'pass');
      };
      const waiting = await HttpConnection.open(berth.url);
      try {
        waiting.send('GET', gatewayPath(tapped, '/info'), bearer());
        await waitFor(() => Promise.resolve(holding), 5000, 'the held call to reach the engine');
        const answer = await once('GET', log());
        expect(answer).toMatchObject({ status: 200, complete: true });
        expect(answer.headers['content-length']).toBe(String(100 * (8 + 100)));
        expect(answer.headers['transfer-encoding']).toBeUndefined();
      } finally {
        answerInfo();
        tap.before = () => Promise.resolve('pass');
      }
      expect(await waiting.answer('GET')).toMatchObject({ status: 200, complete: true });
      waiting.destroy();
    });
  });

  describe('identical reads arriving together', () => {
    const list = () =>
      gatewayPath(
        tapped,
        `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [`test.engine-hop=${run}`] }))}`,
      );
    const names = (answer: FramedAnswer) =>
      (JSON.parse(answer.body.toString()) as { Names: string[] }[]).map((c) => c.Names[0]).sort();
    const shared = () => berth.server.app.get(SharedReads);

    /**
     * The tap counts the engine's list calls and holds the first one's answer (the engine has
     * read its state) until `release`; `held` resolves once it does.
     */
    function holdFirstList(then: TapAction = 'pass') {
      let release: () => void = () => undefined;
      let heldNow: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (heldNow = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const calls: string[] = [];
      tap.before = (req) => {
        // Only this suite's list: the host's inventory lists its containers too.
        if (!req.url?.includes(`/containers/json?all=1&filters=`) || !req.url.includes(run))
          return Promise.resolve('pass');
        calls.push(req.url);
        if (calls.length > 1) return Promise.resolve(then);
        return Promise.resolve({
          holdAnswer: () => {
            heldNow();
            return released;
          },
        });
      };
      return { calls, held, release };
    }

    async function sendAll(count: number): Promise<HttpConnection[]> {
      const connections = await Promise.all(
        Array.from({ length: count }, () => HttpConnection.open(berth.url)),
      );
      for (const connection of connections) connection.send('GET', list(), bearer());
      return connections;
    }

    it('share one engine call sent after they arrived, so each sees a change made before it', async () => {
      const tap1 = holdFirstList();
      const [first] = await sendAll(1);
      try {
        await tap1.held;
        // The engine has listed for the first call; a container made now is not in that list.
        const made = await engine.createContainer({
          Image: fleet().image,
          name: `hop-shared-${run}`,
          Labels: label,
        });
        const later = await sendAll(3);
        await waitFor(
          () => Promise.resolve(shared().waiting() === 4),
          5000,
          'the three reads to gather behind the first',
        );
        expect(tap1.calls).toHaveLength(1);
        tap1.release();
        const before = await first!.answer('GET');
        expect(before).toMatchObject({ status: 200, complete: true });
        expect(names(before)).not.toContain(`/hop-shared-${run}`);
        const answers = await Promise.all(later.map((connection) => connection.answer('GET')));
        for (const answer of answers) {
          expect(answer).toMatchObject({ status: 200, complete: true });
          expect(names(answer)).toContain(`/hop-shared-${run}`);
          expect(answer.body.equals(answers[0]!.body)).toBe(true);
        }
        // Three reads, one engine call.
        expect(tap1.calls).toHaveLength(2);
        for (const connection of later) connection.destroy();
        await made.remove({ force: true });
      } finally {
        tap1.release();
        tap.before = () => Promise.resolve('pass');
        first!.destroy();
      }
      expect(shared().waiting()).toBe(0);
    });

    it('answer those still there when one leaves, and each the failure of a call that fails', async () => {
      const tap1 = holdFirstList('lose-answer');
      const [first] = await sendAll(1);
      try {
        await tap1.held;
        const [leaving, staying, alsoStaying] = await sendAll(3);
        await waitFor(
          () => Promise.resolve(shared().waiting() === 4),
          5000,
          'the three reads to gather behind the first',
        );
        leaving!.destroy();
        await waitFor(
          () => Promise.resolve(shared().waiting() === 3),
          5000,
          'the read that left to leave its call',
        );
        tap1.release();
        expect(await first!.answer('GET')).toMatchObject({ status: 200, complete: true });
        // The shared call's engine connection is lost: each reader gets the failure, whole.
        for (const connection of [staying!, alsoStaying!]) {
          const answer = await connection.answer('GET');
          expect(answer).toMatchObject({ status: 502, complete: true });
          expect(JSON.parse(answer.body.toString())).toMatchObject({
            error: { code: 'HOST_UNREACHABLE' },
          });
          connection.destroy();
        }
        expect(tap1.calls).toHaveLength(2);
      } finally {
        tap1.release();
        tap.before = () => Promise.resolve('pass');
        first!.destroy();
      }
      await hostWorks(tapped);
    });

    it('cut a reader of a shared long answer that stops reading, not the others', async () => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      let heldNow: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (heldNow = resolve));
      const calls: string[] = [];
      // About 22 MB: streamed, and more than the kernel's buffers and the lag a reader is allowed
      // (`MAX_LAG`) hold for a client that stops.
      const long = await loggedLines(200_000);
      tap.before = (req) => {
        if (!req.url?.includes(`/containers/${long}/logs`)) return Promise.resolve('pass');
        calls.push(req.url);
        if (calls.length > 1) return Promise.resolve('pass');
        return Promise.resolve({
          holdAnswer: () => {
            heldNow();
            return released;
          },
        });
      };
      const path = gatewayPath(tapped, `/containers/${long}/logs?stdout=1`);
      const first = await HttpConnection.open(berth.url);
      const stopped = await rawConnection(berth.url);
      const reading = await HttpConnection.open(berth.url);
      try {
        first.send('GET', path, bearer());
        await held;
        stopped.write(
          `GET ${path} HTTP/1.1\r\nHost: berth\r\nAuthorization: Bearer ${admin}\r\n\r\n`,
        );
        reading.send('GET', path, bearer());
        await waitFor(
          () => Promise.resolve(shared().waiting() === 3),
          5000,
          'both reads to gather behind the first',
        );
        // One of the two stops reading before the answer comes.
        stopped.pause();
        release();
        const whole = await first.answer('GET');
        expect(whole).toMatchObject({ status: 200, complete: true });
        const answer = await reading.answer('GET');
        expect(answer).toMatchObject({ status: 200, complete: true });
        expect(answer.body.length).toBe(whole.body.length);
        expect(calls).toHaveLength(2);
        // The one that stopped was cut after BERTH_REQUEST_IDLE_MS: what it got is short.
        let got = 0;
        stopped.on('data', (chunk: Buffer) => (got += chunk.length));
        stopped.resume();
        await new Promise((resolve) => stopped.once('close', resolve));
        expect(got).toBeLessThan(whole.body.length);
      } finally {
        release();
        tap.before = () => Promise.resolve('pass');
        first.destroy();
        stopped.destroy();
        reading.destroy();
      }
      // Two 22 MB answers through the engine and the gateway: slow on a loaded machine.
    }, 180_000);

    it('never share a followed log: one waiting on the engine holds up no other', async () => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const follows: string[] = [];
      tap.before = (req) => {
        if (!req.url?.includes('follow=1')) return Promise.resolve('pass');
        follows.push(req.url);
        return Promise.resolve(follows.length === 1 ? { holdAnswer: () => released } : 'pass');
      };
      const path = gatewayPath(tapped, `/containers/${chatty}/logs?stdout=1&tail=1&follow=1`);
      const [held, other] = await Promise.all([
        HttpConnection.open(berth.url),
        HttpConnection.open(berth.url),
      ]);
      try {
        held.send('GET', path, bearer());
        await waitFor(() => Promise.resolve(follows.length === 1), 5000, 'the first stream');
        other.send('GET', path, bearer());
        await waitFor(() => Promise.resolve(follows.length === 2), 5000, 'a stream of its own');
        expect(await other.answer('GET')).toMatchObject({ status: 200, complete: true });
        expect(shared().waiting()).toBe(0);
      } finally {
        release();
        tap.before = () => Promise.resolve('pass');
        held.destroy();
        other.destroy();
      }
    });
  });

  describe('a host removed or moved under open calls', () => {
    it.each(['removed', 'moved to another engine'] as const)(
      'ends its logs -f, events and a slow upload when %s',
      async (change) => {
        const before = openDescriptors();
        const host = await berth.addHost(admin, { name: `under-${change.length}`, url: fleet().a });
        const ticker = await engine.createContainer({
          Image: fleet().image,
          Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'],
          Labels: label,
        });
        await ticker.start();

        const logs = await HttpConnection.open(berth.url);
        logs.send(
          'GET',
          gatewayPath(host, `/containers/${ticker.id}/logs?follow=1&stdout=1`),
          bearer(),
        );
        const events = await HttpConnection.open(berth.url);
        events.send('GET', gatewayPath(host, '/events'), bearer());
        const upload = await HttpConnection.open(berth.url);
        upload.send(
          'PUT',
          gatewayPath(host, `/containers/${ticker.id}/archive?path=/tmp`),
          { ...bearer(), 'Content-Type': 'application/x-tar', 'Content-Length': String(1 << 20) },
          tarHeader('slow.bin', (1 << 20) - 1536),
        );
        const trickle = setInterval(() => upload.write(Buffer.alloc(256)), 100);
        const answers = [logs.answer('GET'), events.answer('GET'), upload.answer('PUT')];
        // The streams are under way: the log has sent lines, the events their headers.
        await waitFor(
          () => Promise.resolve(openDescriptors() >= before + 6),
          5000,
          'the calls to reach the engine',
        );
        await new Promise((resolve) => setTimeout(resolve, 300));

        const changed =
          change === 'removed'
            ? await berth.api('DELETE', `/api/hosts/${host.id}`, { token: admin })
            : await berth.api('PATCH', `/api/hosts/${host.id}`, {
                token: admin,
                body: { url: fleet().b, allowSameEngine: true },
              });
        expect(changed.status).toBeLessThan(300);
        const ended = await withTimeout(Promise.all(answers), 5000);
        clearInterval(trickle);
        // The streams are cut (never an end that looks whole); the upload gets an error or a cut.
        expect(ended[0]!.complete).toBe(false);
        expect(ended[1]!.complete).toBe(false);
        const uploaded = ended[2]!;
        if (uploaded.status !== 0) {
          expect(uploaded.status).toBe(502);
          expect(uploaded.body.toString()).toContain('closed');
        }
        await withTimeout(Promise.all([logs.closed, events.closed, upload.closed]), 5000);
        await descriptorsSettle(before, 'the cut calls to release their sockets');

        if (change === 'removed') {
          expect((await once('GET', gatewayPath(host, '/_ping'))).status).toBe(404);
        } else {
          const info = await once('GET', gatewayPath(host, '/info'));
          expect(JSON.parse(info.body.toString())).toMatchObject({ Name: 'berth-b' });
        }
        await hostWorks(a);
      },
    );
    it('cuts an attached session when its host is removed', async () => {
      const host = await berth.addHost(admin, { name: 'under-attach', url: fleet().a });
      const shell = await engine.createContainer({
        Image: fleet().image,
        Cmd: ['sh'],
        OpenStdin: true,
        Labels: label,
      });
      await shell.start();
      const attached = await new Promise<Socket>((resolve, reject) => {
        const req = request(
          `${berth.url}${gatewayPath(host, `/containers/${shell.id}/attach?stream=1&stdin=1&stdout=1`)}`,
          {
            method: 'POST',
            headers: { ...bearer(), Connection: 'Upgrade', Upgrade: 'tcp' },
          },
        );
        req.once('upgrade', (_res, socket) => resolve(socket));
        req.once('response', (res) => reject(new Error(`attach answered ${res.statusCode}`)));
        req.once('error', reject);
        req.end();
      });
      const closed = new Promise<void>((resolve) => attached.once('close', () => resolve()));
      attached.on('data', () => undefined);
      attached.write('echo still-here\n');
      const removed = await berth.api('DELETE', `/api/hosts/${host.id}`, { token: admin });
      expect(removed.status).toBeLessThan(300);
      await withTimeout(closed, 5000);
    });
  });

  describe('request framing clients send', () => {
    let started: string;

    beforeAll(async () => {
      const container = await engine.createContainer({
        Image: fleet().image,
        Cmd: ['sleep', '300'],
        Labels: label,
      });
      started = container.id;
    });

    it('answers an upload sent with Expect: 100-continue, then a second request on the socket', async () => {
      const connection = await HttpConnection.open(berth.url);
      const tar = tarOf('continued.txt', Buffer.from(`hello ${run}\n`));
      connection.send('PUT', gatewayPath(a, `/containers/${chatty}/archive?path=/tmp`), {
        ...bearer(),
        'Content-Type': 'application/x-tar',
        'Content-Length': String(tar.length),
        Expect: '100-continue',
      });
      expect((await connection.answer('PUT')).status).toBe(100);
      connection.write(tar);
      expect(await connection.answer('PUT')).toMatchObject({ status: 200, complete: true });
      connection.send(
        'HEAD',
        gatewayPath(a, `/containers/${chatty}/archive?path=/tmp/continued.txt`),
        bearer(),
      );
      const stat = await connection.answer('HEAD');
      expect(stat.status).toBe(200);
      expect(stat.headers['x-docker-container-path-stat']).toBeDefined();
      connection.destroy();
    });

    it('answers a chunked upload and a streamed archive, then a second request on the socket', async () => {
      const connection = await HttpConnection.open(berth.url);
      const tar = tarOf('chunked.txt', Buffer.from(`chunked ${run}\n`));
      connection.send('PUT', gatewayPath(a, `/containers/${chatty}/archive?path=/tmp`), {
        ...bearer(),
        'Content-Type': 'application/x-tar',
        'Transfer-Encoding': 'chunked',
      });
      for (const part of [tar.subarray(0, 700), tar.subarray(700)]) {
        connection.write(`${part.length.toString(16)}\r\n`);
        connection.write(Buffer.concat([part, Buffer.from('\r\n')]));
      }
      connection.write('0\r\n\r\n');
      expect(await connection.answer('PUT')).toMatchObject({ status: 200, complete: true });
      // Larger than what is sent whole: streamed to the client in chunks.
      connection.send('GET', gatewayPath(a, `/containers/${chatty}/archive?path=/bin`), bearer());
      const archive = await connection.answer('GET');
      expect(archive).toMatchObject({ status: 200, complete: true });
      expect(archive.body.length).toBeGreaterThan(256 << 10);
      connection.send(
        'GET',
        gatewayPath(a, `/containers/${chatty}/archive?path=/tmp/chunked.txt`),
        bearer(),
      );
      const copied = await connection.answer('GET');
      expect(copied).toMatchObject({ status: 200, complete: true });
      expect(copied.body.toString('latin1')).toContain(`chunked ${run}`);
      connection.destroy();
    });

    it('answers HEAD, 204 and 304 without inventing a length, and keeps the connection', async () => {
      const direct = await HttpConnection.open(fleet().a);
      const connection = await HttpConnection.open(berth.url);
      const heads = ['/_ping', `/containers/${chatty}/archive?path=/etc/hostname`];
      for (const path of heads) {
        connection.send('HEAD', gatewayPath(a, path), bearer());
        const answer = await connection.answer('HEAD');
        direct.send('HEAD', `/v1.41${path}`, {});
        const engineAnswer = await direct.answer('HEAD');
        expect(answer).toMatchObject({ status: engineAnswer.status, complete: true });
        expect(answer.headers['content-length']).toBe(engineAnswer.headers['content-length']);
        expect(answer.headers['transfer-encoding']).toBeUndefined();
      }
      // Started, then started again while it runs.
      for (const status of [204, 304]) {
        connection.send('POST', gatewayPath(a, `/containers/${started}/start`), bearer());
        const answer = await connection.answer('POST');
        expect(answer).toMatchObject({ status, complete: true });
        expect(answer.headers['content-length']).toBeUndefined();
        expect(answer.headers['transfer-encoding']).toBeUndefined();
      }
      expect(connection.isClosed).toBe(false);
      connection.send('GET', gatewayPath(a, '/_ping'), bearer());
      const after = await connection.answer('GET');
      expect(after).toMatchObject({ status: 200, complete: true });
      expect(after.body.toString()).toBe('OK');
      connection.destroy();
      direct.destroy();
    });

    it('closes an upload still trickling in once the engine has answered it early', async () => {
      const connection = await HttpConnection.open(berth.url);
      const declared = 1 << 20;
      connection.send(
        'PUT',
        gatewayPath(a, '/containers/nonexistent-x/archive?path=/tmp'),
        { ...bearer(), 'Content-Type': 'application/x-tar', 'Content-Length': String(declared) },
        tarHeader('trickled.bin', declared - 1536),
      );
      // Never stalls long enough for BERTH_REQUEST_IDLE_MS, never ends.
      const trickle = setInterval(() => connection.write(Buffer.alloc(64)), 100);
      try {
        const answer = await connection.answer('PUT');
        expect(answer).toMatchObject({ status: 404, complete: true });
        expect(answer.body.toString()).toContain('No such container');
        await withTimeout(connection.closed, 3000);
      } finally {
        clearInterval(trickle);
      }
      await hostWorks(a);
    });

    it('releases both sides of a chunked build context that stalls half-way', async () => {
      const before = openDescriptors();
      const connection = await HttpConnection.open(berth.url);
      connection.send('POST', gatewayPath(a, `/build?t=stalled-${run}`), {
        ...bearer(),
        'Content-Type': 'application/x-tar',
        'Transfer-Encoding': 'chunked',
      });
      const part = tarHeader('Dockerfile', 100_000);
      connection.write(`${part.length.toString(16)}\r\n`);
      connection.write(Buffer.concat([part, Buffer.from('\r\n')]));
      await engineCalls(a, (running) => running === 1, 'the build to reach the engine');
      await withTimeout(connection.closed, 6000);
      await engineCalls(a, (running) => running === 0, 'the build to release the engine');
      await descriptorsSettle(before, 'the stalled build to release both sides');
      await hostWorks(a);
    });

    it('survives a client that declares more body than it sends and leaves', async () => {
      const before = openDescriptors();
      const connection = await HttpConnection.open(berth.url);
      connection.send(
        'PUT',
        gatewayPath(a, `/containers/${started}/archive?path=/tmp`),
        { ...bearer(), 'Content-Type': 'application/x-tar', 'Content-Length': String(1 << 20) },
        tarHeader('short.bin', (1 << 20) - 1536),
      );
      connection.write(Buffer.alloc(10_000));
      await engineCalls(a, (running) => running === 1, 'the upload to reach the engine');
      connection.destroy();
      await engineCalls(a, (running) => running === 0, 'the upload to release the engine');
      await descriptorsSettle(before, 'the abandoned upload to release both sides');
      expect(await audited(a.id, `/containers/${started}/archive`)).toMatchObject({
        outcome: 'unknown',
      });
      await hostWorks(a);
    });
  });

  describe('pooled connections left idle', () => {
    it.each(['c', 'd'] as const)(
      'reach host %s again once the pool has closed its idle connection',
      async (name) => {
        enginePoolTiming.idleMs = 1000;
        const host = await berth.addHost(admin, {
          ...fleetHost(name).registration,
          name: `idle-${name}`,
        });
        try {
          const first = await once('GET', gatewayPath(host, '/info'));
          expect(JSON.parse(first.body.toString())).toMatchObject({ Name: `berth-${name}` });
          const pool = poolOf(host.id);
          expect(pool.stats.connected).toBeGreaterThan(0);
          await waitFor(
            () => Promise.resolve(pool.stats.connected === 0),
            5000,
            'the pool to close its idle connection',
          );
          const again = await once('GET', gatewayPath(host, '/info'));
          expect(again).toMatchObject({ status: 200, complete: true });
          expect(JSON.parse(again.body.toString())).toMatchObject({ Name: `berth-${name}` });
        } finally {
          enginePoolTiming.idleMs = 30_000;
        }
      },
    );

    it('refuses a TLS engine whose certificate names another host, with a TLS reason', async () => {
      const [engineHost, enginePort] = new URL(fleet().c.url.replace('tcp:', 'http:')).host.split(
        ':',
      );
      const relay = await tcpRelay(engineHost!, Number(enginePort));
      try {
        const { ca, cert, key } = fleet().c;
        const host = await berth.addHost(admin, {
          name: 'c-misnamed',
          url: `tcp://localhost:${relay.port}`,
          tls: { ca, cert, key },
        });
        const refused = await once('GET', gatewayPath(host, '/_ping'));
        expect(refused.status).toBe(502);
        expect(JSON.parse(refused.body.toString())).toMatchObject({
          error: { code: 'HOST_UNREACHABLE' },
          message: expect.stringContaining('tls: ERR_TLS_CERT_ALTNAME_INVALID'),
        });
      } finally {
        relay.server.close();
      }
    });
  });

  it.each(['a', 'd'] as const)(
    'answers 300 calls at once to host %s, more than its pool has connections',
    async (name) => {
      const host =
        name === 'a'
          ? a
          : await berth.addHost(admin, { ...fleetHost(name).registration, name: `many-${name}` });
      const answers = await Promise.all(
        Array.from({ length: 300 }, () =>
          fetch(`${berth.url}${gatewayPath(host, '/containers/json')}`, { headers: bearer() }).then(
            async (res) => ({ status: res.status, body: await res.text() }),
          ),
        ),
      );
      const failed = answers.filter((answer) => answer.status !== 200);
      expect(failed.slice(0, 3)).toEqual([]);
      expect(answers.every((answer) => Array.isArray(JSON.parse(answer.body)))).toBe(true);
    },
  );

  /** Waits until the calls under way on a host's pool (the engine side of each) pass `check`. */
  function engineCalls(host: THost, check: (running: number) => boolean, what: string) {
    return waitFor(() => Promise.resolve(check(poolOf(host.id).stats.running)), 5000, what);
  }

  /** The undici pool of a registered host, as its engine registry holds it. */
  function poolOf(hostId: string): { stats: PoolStats } {
    const registry: unknown = berth.server.app.get(EngineRegistry);
    const { engines } = registry as {
      engines: Map<string, { client: { connection: { dispatcher: { stats: PoolStats } } } }>;
    };
    return engines.get(hostId)!.client.connection.dispatcher;
  }
});

/** What an undici pool says of its connections and the calls on them. */
interface PoolStats {
  connected: number;
  running: number;
}

/** A plain TCP relay to an engine, reached under another name than its certificate's. */
async function tcpRelay(host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    const upstream = connectTcp(port, host);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

/** A ustar header for one regular file of `size` bytes. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0);
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  header.write(' '.repeat(8), 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** A tar archive of one file. */
function tarOf(name: string, content: Buffer): Buffer {
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([tarHeader(name, content.length), content, padding, Buffer.alloc(1024)]);
}

/** A plain TCP connection to Berth, read (or not) as the test says. */
function rawConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectTcp(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}
