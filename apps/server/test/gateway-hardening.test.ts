import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody, THost } from '@berth/shared';
import Docker from 'dockerode';
import { TestBerth, waitFor } from './support/berth.js';
import { docker as dockerCli, gatewayHost } from './support/docker-cli.js';
import { openDescriptors, withTimeout } from './support/settling.js';
import { fleet } from './support/fleet.js';
import { rawRequest } from './support/raw-http.js';
import { createUser, signIn, USER_PASSWORD } from './support/identity.js';

/**
 * Attacks on the gateway found by probing a running server, each kept here so it stays closed:
 * upgrade headers on routes the engine does not hijack, a JSON key given twice, secret values in
 * inspect answers, streams that outlive their credential, request bodies that never arrive, and a
 * client that leaves mistaken for a host that went down.
 */
describe('gateway hardening', () => {
  let berth: TestBerth;
  let admin: string;
  let host: THost;
  const engine = new Docker({ socketPath: fleet().a.replace('unix://', '') });
  const run = Math.random().toString(36).slice(2, 8);
  const label = { 'test.hardening': run };
  let users = 0;

  beforeAll(async () => {
    berth = await TestBerth.start(
      { BERTH_REQUEST_IDLE_MS: '1000', LOG_LEVEL: 'info' },
      { captureLogs: true },
    );
    admin = await berth.adminToken();
    host = await berth.addHost(admin, { name: 'a', url: fleet().a });
  });
  afterAll(async () => {
    const mine = await engine.listContainers({
      all: true,
      filters: { label: [`test.hardening=${run}`] },
    });
    await Promise.all(mine.map((c) => engine.getContainer(c.Id).remove({ force: true })));
    const volumes = await engine.listVolumes({
      filters: { label: [`test.hardening=${run}`] },
    });
    await Promise.all((volumes.Volumes ?? []).map((v) => engine.getVolume(v.Name).remove()));
    await berth.stop();
  });

  /** A user with a built-in role on host a and an API token of theirs. */
  async function userWith(role: string): Promise<{ id: string; token: string }> {
    users += 1;
    const user = await createUser(berth, admin, `hard${users}-${role}-${run}`);
    const grant = await berth.api('POST', '/api/grants', {
      token: admin,
      body: { userId: user.id, hostId: host.id, role },
    });
    expect(grant.status).toBe(201);
    const { session } = await signIn(berth, user.username, USER_PASSWORD);
    const token = await berth.createToken(session!);
    return { id: user.id, token: token.token };
  }

  const enginePath = (path: string) => `/api/hosts/${host.id}/docker/v1.41${path}`;

  /**
   * One request written by hand on a fresh socket, as an attacker would: any headers, any body
   * bytes. Answers the status and the body as text.
   */
  async function raw(
    method: string,
    path: string,
    token: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const answer = await rawRequest(berth.url, {
      method,
      path,
      headers: { Authorization: `Bearer ${token}`, Connection: 'close', ...headers },
      body,
    });
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return { status: answer.status, body: text };
  }

  const UPGRADE = { Connection: 'Upgrade', Upgrade: 'tcp' };

  describe('a request with upgrade headers on a route the engine does not hijack', () => {
    it('is checked against the host policy like the plain request (create with / bound, host PID)', async () => {
      const { token } = await userWith('standard');
      const body = JSON.stringify({
        Image: fleet().image,
        Cmd: ['true'],
        Labels: label,
        HostConfig: { Binds: ['/:/host'], PidMode: 'host' },
      });
      const answer = await raw('POST', enginePath('/containers/create'), token, body, UPGRADE);
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('HostConfig.Binds');
      const made = await engine.listContainers({
        all: true,
        filters: { label: [`test.hardening=${run}`] },
      });
      expect(made.filter((c) => c.Mounts.some((m) => m.Source === '/'))).toEqual([]);
    });

    it('gets the owner labels on create, as the plain request does', async () => {
      const { id, token } = await userWith('standard');
      const body = JSON.stringify({ Image: fleet().image, Cmd: ['true'], Labels: label });
      const answer = await raw('POST', enginePath('/containers/create'), token, body, UPGRADE);
      expect(answer.status).toBe(201);
      const created = JSON.parse(answer.body) as { Id: string };
      const inspect = await engine.getContainer(created.Id).inspect();
      expect(inspect.Config.Labels['berth.owner']).toBe(id);
    });

    it('is checked on volume create (a bind of /etc through driver options)', async () => {
      const { token } = await userWith('standard');
      const body = JSON.stringify({
        Name: `hard-etc-${run}`,
        Labels: label,
        DriverOpts: { type: 'none', o: 'bind', device: '/etc' },
      });
      const answer = await raw('POST', enginePath('/volumes/create'), token, body, UPGRADE);
      expect(answer.status).toBe(403);
      await expect(engine.getVolume(`hard-etc-${run}`).inspect()).rejects.toMatchObject({
        statusCode: 404,
      });
    });

    it("is checked on network connect and disconnect of someone else's container", async () => {
      const owner = await userWith('standard');
      const stranger = await userWith('standard');
      const network = await berth.api<{ Id: string }>('POST', enginePath('/networks/create'), {
        token: stranger.token,
        body: { Name: `hard-net-${run}`, Labels: label },
      });
      expect(network.status).toBe(201);
      const theirs = await berth.api<{ Id: string }>('POST', enginePath('/containers/create'), {
        token: owner.token,
        body: { Image: fleet().image, Cmd: ['true'], Labels: label },
      });
      expect(theirs.status).toBe(201);
      for (const verb of ['connect', 'disconnect']) {
        const path = enginePath(`/networks/${network.body.Id}/${verb}`);
        const body = JSON.stringify({ Container: theirs.body.Id });
        const plain = await raw('POST', path, stranger.token, body);
        const upgraded = await raw('POST', path, stranger.token, body, UPGRADE);
        expect(plain.status).toBeGreaterThanOrEqual(400);
        expect(upgraded).toEqual(expect.objectContaining({ status: plain.status }));
        expect(upgraded.body).toContain('No such container');
      }
      const inspect = await engine.getContainer(theirs.body.Id).inspect();
      expect(Object.keys(inspect.NetworkSettings.Networks)).not.toContain(`hard-net-${run}`);
    });

    it('is audited as what it is, never as a successful upgrade', async () => {
      const { token } = await userWith('standard');
      const body = JSON.stringify({
        Image: fleet().image,
        Labels: label,
        HostConfig: { Privileged: true },
      });
      await raw('POST', enginePath('/containers/create'), token, body, UPGRADE);
      const audit = await berth.api<{ items: { outcome: string; status: number }[] }>(
        'GET',
        `/api/audit?action=engine.call&hostId=${host.id}&limit=1`,
        { token: admin },
      );
      expect(audit.body.items[0]).toMatchObject({ outcome: 'denied', status: 403 });
    });
  });

  it('checks exec creation against the host policy: no privileged exec, upgrade headers or not', async () => {
    const { token } = await userWith('standard');
    const container = await berth.api<{ Id: string }>('POST', enginePath('/containers/create'), {
      token,
      body: { Image: fleet().image, Cmd: ['sleep', '300'], Labels: label },
    });
    expect(container.status).toBe(201);
    const start = await berth.api('POST', enginePath(`/containers/${container.body.Id}/start`), {
      token,
    });
    expect(start.status).toBe(204);
    const path = enginePath(`/containers/${container.body.Id}/exec`);
    for (const privileged of ['{"Privileged":true', '{"privileged":true,"Privileged":false']) {
      const body = `${privileged},"Cmd":["true"]}`;
      for (const headers of [{}, UPGRADE]) {
        const answer = await raw('POST', path, token, body, headers);
        expect(answer.status).toBe(403);
        expect(answer.body).toContain('Privileged');
      }
    }
    const plain = await raw('POST', path, token, '{"Cmd":["true"]}');
    expect(plain.status).toBe(201);
  });

  it("refuses sharing the namespaces of a container that runs in the host's", async () => {
    const hostPid = await engine.createContainer({
      Image: fleet().image,
      Cmd: ['sleep', '300'],
      Labels: label,
      HostConfig: { PidMode: 'host', NetworkMode: 'host' },
    });
    const plain = await engine.createContainer({
      Image: fleet().image,
      Cmd: ['sleep', '300'],
      Labels: label,
    });
    const { token } = await userWith('host-admin');
    const gatewayCreate = (pidMode: string) =>
      berth.api<ErrorBody>('POST', enginePath('/containers/create'), {
        token,
        body: {
          Image: fleet().image,
          Cmd: ['true'],
          Labels: label,
          HostConfig: { PidMode: pidMode },
        },
      });
    const refused = await gatewayCreate(`container:${hostPid.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details?.issues).toEqual([
      expect.objectContaining({ path: 'HostConfig.PidMode' }),
    ]);
    expect((await gatewayCreate(`container:${plain.id}`)).status).toBe(201);
  });

  it('forwards a create body as it was checked: a HostConfig given twice cannot smuggle a bind', async () => {
    const { token } = await userWith('host-admin');
    const body = `{"Image":"${fleet().image}","Cmd":["true"],"Labels":${JSON.stringify(label)},"HostConfig":{"Binds":["/:/host"],"PidMode":"host"},"HostConfig":{"Memory":0}}`;
    for (const headers of [{}, UPGRADE]) {
      const answer = await raw('POST', enginePath('/containers/create'), token, body, headers);
      if (answer.status === 201) {
        const { Id } = JSON.parse(answer.body) as { Id: string };
        const inspect = await engine.getContainer(Id).inspect();
        expect(inspect.HostConfig.Binds ?? []).toEqual([]);
        expect(inspect.HostConfig.PidMode).not.toBe('host');
      } else {
        expect(answer.status).toBe(403);
      }
    }
  });

  it('masks secret environment values in inspect answers for everyone but global administrators', async () => {
    const created = await berth.api<{ id: string }>('POST', `/api/hosts/${host.id}/containers`, {
      token: admin,
      body: {
        image: fleet().image,
        cmd: ['true'],
        env: [
          { name: 'API_KEY', value: `s3cret-${run}`, secret: true },
          { name: 'PLAIN', value: 'visible' },
        ],
        labels: label,
        start: false,
        pull: 'never',
      },
    });
    expect(created).toMatchObject({ status: 201 });
    for (const role of ['read-only', 'operator', 'host-admin']) {
      const { token } = await userWith(role);
      const answer = await berth.api<{ Config: { Env: string[] } }>(
        'GET',
        enginePath(`/containers/${created.body.id}/json`),
        { token },
      );
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(`s3cret-${run}`);
      expect(answer.body.Config.Env).toEqual(
        expect.arrayContaining(['API_KEY=********', 'PLAIN=visible']),
      );
    }
    const asAdmin = await berth.api<{ Config: { Env: string[] } }>(
      'GET',
      enginePath(`/containers/${created.body.id}/json`),
      { token: admin },
    );
    expect(asAdmin.body.Config.Env).toContain(`API_KEY=s3cret-${run}`);
  });

  describe('a disabled user', () => {
    it('loses an open logs -f stream and an exec session at once', async () => {
      const { id, token } = await userWith('operator');
      const container = await engine.createContainer({
        Image: fleet().image,
        Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
        Labels: label,
      });
      await container.start();
      const logs = await fetch(
        `${berth.url}${enginePath(`/containers/${container.id}/logs?follow=1&stdout=1`)}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(logs.status).toBe(200);
      const reader = logs.body!.getReader();
      await reader.read();

      const exec = await berth.api<{ Id: string }>(
        'POST',
        enginePath(`/containers/${container.id}/exec`),
        { token, body: { Cmd: ['cat'], AttachStdin: true, AttachStdout: true } },
      );
      expect(exec.status).toBe(201);
      const consoleSocket = await upgradeSocket(
        enginePath(`/exec/${exec.body.Id}/start`),
        token,
        JSON.stringify({ Detach: false, Tty: false }),
      );
      const consoleClosed = new Promise<string>((resolve) =>
        consoleSocket.once('close', () => resolve('closed')),
      );

      const disabled = await berth.api('PATCH', `/api/users/${id}`, {
        token: admin,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);

      const streamEnded = (async () => {
        try {
          for (;;) if ((await reader.read()).done) return 'ended';
        } catch {
          return 'cut';
        }
      })();
      await expect(withTimeout(streamEnded, 3000)).resolves.toMatch(/ended|cut/);
      await expect(withTimeout(consoleClosed, 3000)).resolves.toBe('closed');
    });
  });

  /** Opens an upgraded connection (exec start) and answers the socket after the 101. */
  function upgradeSocket(path: string, token: string, body: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const url = new URL(berth.url);
      const socket = connect(Number(url.port), url.hostname);
      socket.write(
        [
          `POST ${path} HTTP/1.1`,
          `Host: ${url.host}`,
          `Authorization: Bearer ${token}`,
          'Content-Type: application/json',
          'Connection: Upgrade',
          'Upgrade: tcp',
          `Content-Length: ${Buffer.byteLength(body)}`,
          '',
          body,
        ].join('\r\n'),
      );
      socket.once('data', (chunk: Buffer) => {
        if (chunk.toString().startsWith('HTTP/1.1 101')) resolve(socket);
        else reject(new Error(`no upgrade: ${chunk.toString()}`));
      });
      socket.once('error', reject);
    });
  }

  it('releases both sides of requests whose bodies stall, upgrade headers or not', async () => {
    const { token } = await userWith('host-admin');
    const before = openDescriptors();
    // Checked bodies that stop half-way (with and without upgrade headers), a build context that
    // stops streaming to the engine, and a body declared larger than Berth reads.
    const kinds = [
      { path: '/containers/create', declared: 100 << 10, headers: {} },
      { path: '/containers/create', declared: 100 << 10, headers: UPGRADE },
      { path: '/build', declared: 50 << 20, headers: {} },
      { path: '/containers/create', declared: 50 << 20, headers: {} },
    ];
    const url = new URL(berth.url);
    const closed = Array.from({ length: 20 }, (_, i) => {
      const kind = kinds[i % kinds.length]!;
      const socket = connect(Number(url.port), url.hostname);
      socket.write(
        [
          `POST ${enginePath(kind.path)} HTTP/1.1`,
          `Host: ${url.host}`,
          `Authorization: Bearer ${token}`,
          'Content-Type: application/json',
          `Content-Length: ${String(kind.declared)}`,
          ...Object.entries(kind.headers).map(([k, v]) => `${k}: ${v}`),
          '',
          '{"Image":"',
        ].join('\r\n'),
      );
      socket.write(Buffer.alloc(10 << 10, 'a'));
      socket.on('error', () => undefined);
      socket.resume();
      return new Promise<void>((resolve) => socket.once('close', () => resolve()));
    });
    await expect(withTimeout(Promise.all(closed), 6000)).resolves.toHaveLength(20);
    await waitFor(
      () => Promise.resolve(openDescriptors() <= before + 2),
      5000,
      'the stalled requests to release their sockets',
    );
  });

  it('does not mistake a client that leaves for an unreachable host', async () => {
    const { token } = await userWith('operator');
    const container = await engine.createContainer({
      Image: fleet().image,
      Cmd: ['sh', '-c', 'sleep 0.5; echo late; sleep 300'],
      Labels: label,
    });
    await container.start();
    const first = berth.logs.length;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const abort = new AbortController();
        const pending = fetch(`${berth.url}${enginePath(`/containers/${container.id}/wait`)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          signal: abort.signal,
        }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
        abort.abort();
        await pending;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = berth.logs.slice(first).join('');
    expect(lines).not.toContain('unreachable');
    const health = await berth.api<{ status: string }>('GET', `/api/hosts/${host.id}`, {
      token: admin,
    });
    expect(health.body.status).toBe('up');
  });

  it('keeps answering the docker CLI as before', async () => {
    const { token } = await userWith('operator');
    const ps = await dockerCli({ host: gatewayHost(berth.url, host.id), token }, ['ps']);
    expect(ps.code).toBe(0);
    const refused = await berth.api<ErrorBody>('GET', enginePath('/containers/json'));
    expect(refused.status).toBe(401);
  });
});
