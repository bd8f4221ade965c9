import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody, TFleetSummary, THost, THostTestResult } from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth, waitFor } from './support/berth.js';
import { dockerOk, removeLabelled } from './support/docker-cli.js';
import { EngineTap } from './support/engine-tap.js';
import { fleet } from './support/fleet.js';

describe('hosts: every connection kind against real engines', () => {
  let berth: TestBerth;
  let token: string;

  beforeAll(async () => {
    berth = await TestBerth.start({ ...TestBerth.QUICK_HEALTH, ...TestBerth.SSH_TIMEOUT });
    token = await berth.adminToken();
  });
  afterAll(() => berth.stop());

  it('registers a unix socket host and reads its engine facts', async () => {
    const host = await berth.addHost(token, { name: 'a', url: fleet().a });
    expect(host).toMatchObject({ name: 'a', kind: 'unix', status: 'up', hasSecret: false });
    expect(host.engine?.apiVersion).toBe('1.41');
    expect(host.engine?.hostname).toBe('berth-a');
  });

  it('registers a TCP + mutual TLS host without ever returning the key', async () => {
    const { url, ca, cert, key } = fleet().c;
    const res = await berth.api<THost>('POST', '/api/hosts', {
      token,
      body: { name: 'c', url, tls: { ca, cert, key } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'tls', status: 'up', hasSecret: true });
    expect(res.body.engine?.hostname).toBe('berth-c');
    const listed = await berth.api('GET', '/api/hosts', { token });
    expect(JSON.stringify(listed.body)).not.toContain('PRIVATE KEY');
  });

  it('registers an SSH host with a passphrase-protected key', async () => {
    const { url, keyWithPassphrase, passphrase } = fleet().d;
    const host = await berth.addHost(token, {
      name: 'd',
      url,
      ssh: { privateKey: keyWithPassphrase, passphrase },
    });
    expect(host).toMatchObject({ kind: 'ssh', status: 'up' });
    expect(host.engine?.hostname).toBe('berth-d');
    // No host key given: the one presented on the first connection is pinned.
    expect(host.sshHostKey).toBe(fleet().d.hostKeyFingerprint);
    // Once, with its record, though the health monitor probes the new host as well.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const records = await berth.server.app
      .get(PrismaService)
      .db.auditEvent.findMany({ where: { action: 'host.update', hostId: host.id } });
    expect(records.map((r) => JSON.parse(r.details ?? '{}') as unknown)).toEqual([
      { sshHostKey: fleet().d.hostKeyFingerprint, source: 'first connection' },
    ]);
  });

  it('refuses an SSH host presenting another host key than the pinned one, until it is pinned', async () => {
    const { url, key, hostKey, hostKeyFingerprint } = fleet().d;
    const tried = await berth.api<THostTestResult>('POST', '/api/hosts/test', {
      token,
      body: { name: 'd2', url, ssh: { privateKey: key } },
    });
    expect(tried.body).toMatchObject({ ok: true, sshHostKey: hostKeyFingerprint });

    const otherKey = `SHA256:${'A'.repeat(43)}`;
    const host = await berth.addHost(token, {
      name: 'd2',
      url,
      ssh: { privateKey: key },
      sshHostKey: otherKey,
    });
    expect(host).toMatchObject({ status: 'host_key_mismatch', sshHostKey: otherKey });
    expect(host.error).toBe(
      `the host key changed: pinned ${otherKey}, presented ${hostKeyFingerprint}`,
    );
    const call = await berth.api<ErrorBody>('GET', `/api/hosts/${host.id}/docker/_ping`, { token });
    expect(call.status).toBe(502);
    expect(call.body.error).toMatchObject({ code: 'HOST_UNREACHABLE' });
    expect(call.body.error.message).toContain('the host key changed');

    // Pinning the real key (as ssh-keyscan prints it) lets Berth connect again.
    const pinned = await berth.api<THost>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: { sshHostKey: hostKey },
    });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ status: 'up', sshHostKey: hostKeyFingerprint });
    const ping = await berth.api('GET', `/api/hosts/${host.id}/docker/_ping`, { token });
    expect(ping.status).toBe(200);

    const notSsh = await berth.api<ErrorBody>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: { url: fleet().b, sshHostKey: hostKey },
    });
    expect(notSsh.status).toBe(400);
    expect(notSsh.body.error.details?.issues?.[0]?.path).toBe('sshHostKey');
    const garbage = await berth.api<ErrorBody>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: { sshHostKey: 'not a key' },
    });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.details?.issues?.[0]?.path).toBe('sshHostKey');
    expect((await berth.api('DELETE', `/api/hosts/${host.id}`, { token })).status).toBe(204);
  });

  it('tests a connection before saving and names what is wrong', async () => {
    const { url, cert, key } = fleet().c;
    // No CA: the engine's certificate is signed by the fleet's own CA, so verification fails.
    const noCa = await berth.api<THostTestResult>('POST', '/api/hosts/test', {
      token,
      body: { name: 'x', url, tls: { cert, key } },
    });
    expect(noCa.body).toMatchObject({ ok: false, status: 'tls_error' });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    });
    const wrongKey = await berth.api<THostTestResult>('POST', '/api/hosts/test', {
      token,
      body: { name: 'x', url: fleet().d.url, ssh: { privateKey: String(stranger) } },
    });
    expect(wrongKey.body).toMatchObject({ ok: false, status: 'unauthorized' });
    const wrongPassphrase = await berth.api<ErrorBody>('POST', '/api/hosts/test', {
      token,
      body: {
        name: 'x',
        url: fleet().d.url,
        ssh: { privateKey: fleet().d.keyWithPassphrase, passphrase: 'wrong' },
      },
    });
    expect(wrongPassphrase.status).toBe(400);
    expect(wrongPassphrase.body.error.details?.issues?.[0]?.path).toBe('ssh.passphrase');
    const missing = await berth.api<THostTestResult>('POST', '/api/hosts/test', {
      token,
      body: { name: 'x', url: 'unix:///nonexistent.sock' },
    });
    expect(missing.body).toMatchObject({
      ok: false,
      status: 'down',
      error: 'the socket does not exist',
    });
    const hosts = await berth.api<THost[]>('GET', '/api/hosts', { token });
    expect(hosts.body.map((h) => h.name)).not.toContain('x');
  });

  it('rejects bad input with the failing field named', async () => {
    const res = await berth.api<ErrorBody>('POST', '/api/hosts', {
      token,
      body: { name: 'bad', url: 'http://example' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details?.issues?.[0]?.path).toBe('url');
    const ssh = await berth.api<ErrorBody>('POST', '/api/hosts', {
      token,
      body: { name: 'bad', url: fleet().d.url },
    });
    expect(ssh.body.error.details?.issues?.[0]?.path).toBe('ssh');
    const dup = await berth.api<ErrorBody>('POST', '/api/hosts', {
      token,
      body: { name: 'a', url: fleet().b },
    });
    expect(dup.status).toBe(409);
  });

  it('needs an administrator and a credential', async () => {
    expect((await berth.api('GET', '/api/hosts')).status).toBe(401);
    expect((await berth.api('GET', '/api/hosts', { token: 'berth_wrong' })).status).toBe(401);
  });

  it('lists the hosts in health', async () => {
    const health = await berth.api<{ hosts: { name: string; status: string }[] }>(
      'GET',
      '/api/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.hosts.map((h) => h.name)).toEqual(['a', 'c', 'd']);
  });

  it('warns that an engine is already registered, names that host, and registers it when told to', async () => {
    const hosts = await berth.api<THost[]>('GET', '/api/hosts', { token });
    const c = hosts.body.find((h) => h.name === 'c');
    // Host c is the TLS address of an engine that also listens on a unix socket.
    const bySocket = { name: 'c-socket', url: fleet().c.socket };
    const tried = await berth.api<THostTestResult>('POST', '/api/hosts/test', {
      token,
      body: bySocket,
    });
    expect(tried.body).toMatchObject({ ok: true, sameEngineAs: { id: c?.id, name: 'c' } });

    const refused = await berth.api<ErrorBody>('POST', '/api/hosts', { token, body: bySocket });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('this engine is already registered as host "c"');
    expect(refused.body.error.details).toMatchObject({
      existingHost: { id: c?.id, name: 'c' },
      issues: [{ path: 'url', message: 'the same engine as host "c"' }],
    });
    const after = await berth.api<THost[]>('GET', '/api/hosts', { token });
    expect(after.body.map((h) => h.name)).not.toContain('c-socket');

    const anyway = await berth.addHost(token, { ...bySocket, allowSameEngine: true });
    expect(anyway).toMatchObject({ status: 'up', kind: 'unix' });
    expect(anyway.engine?.id).toBe(c?.engine?.id);
    expect(anyway.engine?.id).toMatch(/\S/);
    expect((await berth.api('DELETE', `/api/hosts/${anyway.id}`, { token })).status).toBe(204);
  });

  it('refuses an edit that points a host at an engine another host has, names that host, and saves it when told to', async () => {
    const hosts = await berth.api<THost[]>('GET', '/api/hosts', { token });
    const c = hosts.body.find((h) => h.name === 'c');
    const host = await berth.addHost(token, { name: 'elsewhere', url: fleet().b });
    expect(host.engine?.hostname).toBe('berth-b');
    // Host c is the TLS address of the engine this socket reaches.
    const toC = { url: fleet().c.socket };

    const refused = await berth.api<ErrorBody>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: toC,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('this engine is already registered as host "c"');
    expect(refused.body.error.details).toMatchObject({
      existingHost: { id: c?.id, name: 'c' },
      issues: [{ path: 'url', message: 'the same engine as host "c"' }],
    });
    const unchanged = await berth.api<THost>('GET', `/api/hosts/${host.id}`, { token });
    expect(unchanged.body).toMatchObject({ name: 'elsewhere', url: fleet().b });
    expect(unchanged.body.engine?.hostname).toBe('berth-b');

    const anyway = await berth.api<THost>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: { ...toC, allowSameEngine: true },
    });
    expect(anyway.status).toBe(200);
    expect(anyway.body).toMatchObject({ url: fleet().c.socket, kind: 'unix', status: 'up' });
    expect(anyway.body.engine?.id).toBe(c?.engine?.id);
    expect(anyway.body.engine?.id).toMatch(/\S/);
    expect((await berth.api('DELETE', `/api/hosts/${host.id}`, { token })).status).toBe(204);
  });

  it('tests an edit of the URL and credentials before saving it, keeping stored secrets unless new ones come', async () => {
    const { url, ca, cert, key } = fleet().c;
    const host = await berth.addHost(token, { name: 'moving', url: fleet().b });
    expect(host.engine?.hostname).toBe('berth-b');

    // Untested changes are tried with nothing stored; a plain TCP connection to a TLS port fails.
    const plain = await berth.api<THostTestResult>('POST', `/api/hosts/${host.id}/test-changes`, {
      token,
      body: { url },
    });
    expect(plain.status).toBe(200);
    expect(plain.body.ok).toBe(false);
    const withTls = await berth.api<THostTestResult>('POST', `/api/hosts/${host.id}/test-changes`, {
      token,
      body: { url, tls: { ca, cert, key } },
    });
    expect(withTls.body).toMatchObject({ ok: true, sameEngineAs: { name: 'c' } });
    expect(withTls.body.engine?.hostname).toBe('berth-c');
    const unchanged = await berth.api<THost>('GET', `/api/hosts/${host.id}`, { token });
    expect(unchanged.body).toMatchObject({ url: fleet().b, hasSecret: false });

    const moved = await berth.api<THost>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: { url, tls: { ca, cert, key }, allowSameEngine: true },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ url, kind: 'tls', status: 'up', hasSecret: true });
    expect(moved.body.engine?.hostname).toBe('berth-c');
    expect(JSON.stringify(moved.body)).not.toContain('PRIVATE KEY');

    // No new credentials: the stored ones are used, for the test as for the save.
    const kept = await berth.api<THostTestResult>('POST', `/api/hosts/${host.id}/test-changes`, {
      token,
      body: { name: 'moved' },
    });
    expect(kept.body).toMatchObject({ ok: true, status: 'up' });
    const renamed = await berth.api<THost>('PATCH', `/api/hosts/${host.id}`, {
      token,
      body: { name: 'moved' },
    });
    expect(renamed.body).toMatchObject({ name: 'moved', status: 'up', hasSecret: true });

    const badKey = await berth.api<ErrorBody>('POST', `/api/hosts/${host.id}/test-changes`, {
      token,
      body: { url, tls: { cert, key: 'not a key' } },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details?.issues?.[0]?.path).toBe('tls.key');
    const missing = await berth.api<ErrorBody>('POST', '/api/hosts/nope/test-changes', {
      token,
      body: { url: fleet().b },
    });
    expect(missing.status).toBe(404);
    expect((await berth.api('DELETE', `/api/hosts/${host.id}`, { token })).status).toBe(204);
  });

  it('answers a host whose containers were never listed with its last-known counts, the same for the summary and the host', async () => {
    // As after a restart while the host was down: the engine answered its probe, never a list.
    // One container of its own, so the counts are not zero whatever else the fleet holds.
    const engine = { host: fleet().b };
    const label = `berth.test=hosts-fading-${process.pid}`;
    await dockerOk(engine, ['create', '--label', label, fleet().image, 'true']);
    const tap = await EngineTap.start(fleet().b.replace(/^unix:\/\//, ''));
    tap.before = (req) =>
      Promise.resolve(req.url?.includes('/containers/json') ? 'lose-answer' : 'pass');
    const host = await berth.addHost(token, { name: 'fading', url: `unix://${tap.path}` });
    await tap.close();
    await waitFor(
      async () =>
        (await berth.api<THost>('GET', `/api/hosts/${host.id}`, { token })).body.status === 'down',
      10_000,
      'the host down',
    );
    const stored = (await berth.api<THost>('GET', `/api/hosts/${host.id}`, { token })).body;
    const summary = await berth.api<TFleetSummary>('GET', '/api/fleet/summary', { token });
    const { running, paused, stopped } = stored.engine?.containers ?? {
      running: -1,
      paused: -1,
      stopped: -1,
    };
    expect(running + paused + stopped).toBeGreaterThan(0);
    expect(summary.body.perHost.find((h) => h.hostId === host.id)).toMatchObject({
      status: 'down',
      stale: true,
      updatedAt: stored.lastSeenAt,
      containers: { running, paused, stopped, total: running + paused + stopped },
      images: stored.engine?.images,
    });
    expect(stored.lastSeenAt).not.toBeNull();
    expect((await berth.api('DELETE', `/api/hosts/${host.id}`, { token })).status).toBe(204);
    await removeLabelled(engine, label);
  });
});
