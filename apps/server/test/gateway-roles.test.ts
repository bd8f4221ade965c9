import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody, THost } from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { docker, gatewayHost } from './support/docker-cli.js';
import { fleet } from './support/fleet.js';

// Non-administrators through the Engine API gateway: their grants on the host decide each call,
// and the host's security policy limits what they may create.
describe('gateway: grants and the host security policy', () => {
  let berth: TestBerth;
  let admin: string;
  let host: THost;
  const suffix = Math.random().toString(36).slice(2, 8);
  let users = 0;

  beforeAll(async () => {
    berth = await TestBerth.start();
    admin = await berth.adminToken();
    host = await berth.addHost(admin, { name: 'a', url: fleet().a });
  });
  afterAll(async () => {
    await docker({ host: fleet().a }, ['rm', '-f', `roles-plain-${suffix}`]);
    await berth.stop();
  });

  /** A user with the given built-in role on host a (or none), and an API token of theirs. */
  async function userWith(role: string | null): Promise<string> {
    users += 1;
    const username = `u${users}-${role ?? 'none'}-${suffix}`;
    const password = 'a-long-user-password';
    const user = await berth.api<{ id: string }>('POST', '/api/users', {
      token: admin,
      body: { username, password },
    });
    expect(user.status).toBe(201);
    if (role) {
      const grant = await berth.api('POST', '/api/grants', {
        token: admin,
        body: { userId: user.body.id, hostId: host.id, role },
      });
      expect(grant.status).toBe(201);
    }
    const login = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const token = await fetch(`${berth.url}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'cli' }),
    });
    return ((await token.json()) as { token: string }).token;
  }

  const cli = (token: string, args: string[]) =>
    docker({ host: gatewayHost(berth.url, host.id), token }, args);

  it('hides the host from a user without any grant on it', async () => {
    const token = await userWith(null);
    const res = await berth.api<ErrorBody>('GET', `/api/hosts/${host.id}/docker/containers/json`, {
      token,
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('host not found');
  });

  it('lets a read-only user list but not create, naming the missing permission', async () => {
    const token = await userWith('read-only');
    const ps = await cli(token, ['ps', '-a']);
    expect(ps.code).toBe(0);
    const run = await cli(token, ['create', fleet().image, 'true']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('needs permission container.create');
    const exec = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${host.id}/docker/v1.41/containers/x/exec`,
      { token, body: {} },
    );
    expect(exec.status).toBe(403);
    expect(exec.body.error.details).toMatchObject({ missing: 'container.exec' });
  });

  it('refuses routes outside the catalog to everyone but global administrators', async () => {
    const token = await userWith('host-admin');
    const res = await berth.api<ErrorBody>('GET', `/api/hosts/${host.id}/docker/debug/pprof`, {
      token,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.details).toMatchObject({ missing: 'admin' });
  });

  it('enforces the host security policy on create for non-administrators, and audits the refusal', async () => {
    const token = await userWith('host-admin');
    const privileged = await cli(token, ['create', '--privileged', fleet().image, 'true']);
    expect(privileged.code).not.toBe(0);
    expect(privileged.stderr).toContain('HostConfig.Privileged');
    const rootBind = await cli(token, ['create', '-v', '/:/host', fleet().image, 'true']);
    expect(rootBind.code).not.toBe(0);
    expect(rootBind.stderr).toMatch(/HostConfig\.Binds/);
    const plain = await cli(token, [
      'create',
      '--name',
      `roles-plain-${suffix}`,
      fleet().image,
      'true',
    ]);
    expect(plain.code).toBe(0);
    // An administrator is not bound by the policy.
    const adminPrivileged = await cli(admin, ['create', '--privileged', fleet().image, 'true']);
    expect(adminPrivileged.code).toBe(0);
    await docker({ host: fleet().a }, ['rm', adminPrivileged.stdout.trim()]);

    const db = berth.server.app.get(PrismaService).db;
    const denied = await db.auditEvent.findMany({
      where: { action: 'engine.call', outcome: 'denied', hostId: host.id },
    });
    expect(
      denied
        .map((row) => JSON.parse(row.details ?? '{}') as { path?: string })
        .filter((d) => d.path === '/containers/create').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('keeps ownership-scoped grants away from the raw Engine API', async () => {
    const token = await userWith('standard');
    const run = await cli(token, ['create', fleet().image, 'true']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('resources you own');
  });
});
