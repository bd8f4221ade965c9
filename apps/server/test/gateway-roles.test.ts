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
    return (await accountWith(role)).token;
  }

  async function accountWith(role: string | null): Promise<{ id: string; token: string }> {
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
    return { id: user.body.id, token: ((await token.json()) as { token: string }).token };
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

  describe('standard users: only what they or their team own', () => {
    const direct = { host: fleet().a };
    const name = (what: string) => `roles-${what}-${suffix}`;
    let me: { id: string; token: string };
    let mate: { id: string; token: string };
    let stranger: { id: string; token: string };
    let teamId: string;

    beforeAll(async () => {
      [me, mate, stranger] = [
        await accountWith('standard'),
        await accountWith('standard'),
        await accountWith('standard'),
      ];
      const team = await berth.api<{ id: string }>('POST', '/api/teams', {
        token: admin,
        body: { name: `team-${suffix}` },
      });
      teamId = team.body.id;
      for (const member of [me, mate]) {
        const added = await berth.api('POST', `/api/teams/${teamId}/members`, {
          token: admin,
          body: { userId: member.id },
        });
        expect(added.status).toBeLessThan(300);
      }
      const runs = [
        [me, 'mine'],
        [mate, 'mates'],
        [stranger, 'theirs'],
      ] as const;
      for (const [who, what] of runs) {
        const run = await cli(who.token, [
          'run',
          '-d',
          '--name',
          name(what),
          fleet().image,
          'sleep',
          '600',
        ]);
        expect(run).toMatchObject({ code: 0 });
      }
    });
    afterAll(async () => {
      const ids = (
        await docker(direct, ['ps', '-aq', '--filter', `name=roles-.*-${suffix}`])
      ).stdout
        .split('\n')
        .filter(Boolean);
      if (ids.length > 0) await docker(direct, ['rm', '-f', ...ids]);
      await docker(direct, ['volume', 'rm', name('vol-mine'), name('vol-theirs'), name('vol-fly')]);
      await docker(direct, ['network', 'rm', name('net-mine'), name('net-theirs')]);
    });

    const labelsOf = async (container: string) =>
      JSON.parse(
        (await docker(direct, ['inspect', '--format', '{{json .Config.Labels}}', container]))
          .stdout,
      ) as Record<string, string>;

    it('docker run labels the container with its owner and team', async () => {
      expect(await labelsOf(name('mine'))).toMatchObject({
        'berth.owner': me.id,
        'berth.team': teamId,
      });
      expect(await labelsOf(name('theirs'))).toMatchObject({ 'berth.owner': stranger.id });
      expect(await labelsOf(name('theirs'))).not.toHaveProperty('berth.team');
      // Owner labels given by the caller are replaced, not trusted.
      const spoof = await cli(me.token, [
        'create',
        '--name',
        name('spoof'),
        '--label',
        `berth.owner=${stranger.id}`,
        '--label',
        'berth.team=someone-elses',
        fleet().image,
        'true',
      ]);
      expect(spoof.code).toBe(0);
      expect(await labelsOf(name('spoof'))).toMatchObject({
        'berth.owner': me.id,
        'berth.team': teamId,
      });
    });

    it("docker ps -a lists only their own and their team's containers", async () => {
      const ps = await cli(me.token, ['ps', '-a', '--format', '{{.Names}}']);
      expect(ps.code).toBe(0);
      const names = ps.stdout.split('\n').filter(Boolean);
      expect(names).toEqual(expect.arrayContaining([name('mine'), name('mates')]));
      expect(names).not.toContain(name('theirs'));
      const everything = (await docker(direct, ['ps', '-a', '--format', '{{.Names}}'])).stdout;
      expect(everything).toContain(name('theirs'));
    });

    it('docker run in the foreground attaches, waits and removes their own container', async () => {
      const run = await cli(me.token, ['run', '--rm', fleet().image, 'echo', 'hello']);
      expect(run).toMatchObject({ code: 0, stdout: 'hello\n' });
    });

    it("stop, exec and rm work on their own and their team's containers", async () => {
      const exec = await cli(me.token, ['exec', name('mine'), 'echo', 'inside']);
      expect(exec).toMatchObject({ code: 0, stdout: 'inside\n' });
      expect((await cli(me.token, ['stop', '-t', '0', name('mates')])).code).toBe(0);
      expect((await cli(me.token, ['rm', name('mates')])).code).toBe(0);
    });

    it('another user\'s container is "No such container" to stop, exec and rm; each is audited as denied', async () => {
      for (const args of [
        ['stop', '-t', '0', name('theirs')],
        ['exec', name('theirs'), 'true'],
        ['rm', name('theirs')],
        ['container', 'inspect', name('theirs')],
        ['logs', name('theirs')],
      ]) {
        const attempt = await cli(me.token, args);
        expect({ args, code: attempt.code }).toEqual({ args, code: 1 });
        expect(attempt.stderr).toContain(`No such container: ${name('theirs')}`);
      }
      const exec = await berth.api<ErrorBody>(
        'POST',
        `/api/hosts/${host.id}/docker/v1.41/containers/${name('theirs')}/exec`,
        { token: me.token, body: { Cmd: ['true'] } },
      );
      expect(exec.status).toBe(404);
      expect(exec.body.error).toMatchObject({
        code: 'NOT_FOUND',
        message: `No such container: ${name('theirs')}`,
      });
      const state = await docker(direct, [
        'inspect',
        '--format',
        '{{.State.Running}}',
        name('theirs'),
      ]);
      expect(state.stdout.trim()).toBe('true');

      const db = berth.server.app.get(PrismaService).db;
      const denied = await db.auditEvent.findMany({
        where: {
          action: 'engine.call',
          outcome: 'denied',
          hostId: host.id,
          target: name('theirs'),
        },
      });
      expect(denied.every((row) => row.actorId === me.id && row.status === 404)).toBe(true);
      // exec, logs and inspect look the container up first (GET …/json); stop and rm go straight.
      const paths = denied.map(
        (row) => (JSON.parse(row.details ?? '{}') as { path?: string }).path,
      );
      expect(paths.sort()).toEqual(
        [
          `/containers/${name('theirs')}`,
          `/containers/${name('theirs')}/exec`,
          `/containers/${name('theirs')}/json`,
          `/containers/${name('theirs')}/json`,
          `/containers/${name('theirs')}/json`,
          `/containers/${name('theirs')}/stop`,
        ].sort(),
      );
    });

    it('the host security policy binds them too: no privileged container, no bind mount of /', async () => {
      const privileged = await cli(me.token, ['run', '-d', '--privileged', fleet().image, 'true']);
      expect(privileged.code).not.toBe(0);
      expect(privileged.stderr).toContain('HostConfig.Privileged');
      const rootBind = await cli(me.token, ['run', '-d', '-v', '/:/host', fleet().image, 'true']);
      expect(rootBind.code).not.toBe(0);
      expect(rootBind.stderr).toMatch(/HostConfig\.Binds/);
      const db = berth.server.app.get(PrismaService).db;
      const denied = await db.auditEvent.findMany({
        where: { action: 'engine.call', outcome: 'denied', actorId: me.id, status: 403 },
      });
      expect(
        denied.filter((row) => row.details?.includes('"/containers/create"')).length,
      ).toBeGreaterThanOrEqual(2);
    });

    it("cannot reach into another's container from a new one", async () => {
      for (const option of [
        ['--ipc', `container:${name('theirs')}`],
        ['--network', `container:${name('theirs')}`],
        ['--pid', `container:${name('theirs')}`],
      ]) {
        const attempt = await cli(me.token, ['create', ...option, fleet().image, 'true']);
        expect(attempt.code).not.toBe(0);
        expect(attempt.stderr).toContain(`No such container: ${name('theirs')}`);
      }
    });

    it('a named volume that docker run -v makes on the way is theirs', async () => {
      const run = await cli(me.token, [
        'run',
        '--rm',
        '-v',
        `${name('vol-fly')}:/data`,
        fleet().image,
        'true',
      ]);
      expect(run).toMatchObject({ code: 0 });
      const labels = await docker(direct, [
        'volume',
        'inspect',
        '--format',
        '{{json .Labels}}',
        name('vol-fly'),
      ]);
      expect(JSON.parse(labels.stdout)).toMatchObject({
        'berth.owner': me.id,
        'berth.team': teamId,
      });
      const listed = await cli(me.token, [
        'volume',
        'ls',
        '-q',
        '--filter',
        `name=${name('vol-fly')}`,
      ]);
      expect(listed.stdout.trim()).toBe(name('vol-fly'));
    });

    it('volumes and networks: created labelled, listed and removed only when theirs', async () => {
      for (const [who, what] of [
        [me, 'mine'],
        [stranger, 'theirs'],
      ] as const) {
        expect((await cli(who.token, ['volume', 'create', name(`vol-${what}`)])).code).toBe(0);
        expect((await cli(who.token, ['network', 'create', name(`net-${what}`)])).code).toBe(0);
      }
      const volumes = await cli(me.token, ['volume', 'ls', '--format', '{{.Name}}']);
      // Theirs: the one made here and the one `run -v` made above; not the stranger's.
      expect(volumes.stdout.split('\n').filter(Boolean).sort()).toEqual(
        [name('vol-fly'), name('vol-mine')].sort(),
      );
      const networks = await cli(me.token, ['network', 'ls', '--format', '{{.Name}}']);
      // The engine's own networks belong to nobody and are there for everyone.
      expect(networks.stdout.split('\n').filter(Boolean).sort()).toEqual(
        ['bridge', 'host', 'none', name('net-mine')].sort(),
      );
      expect((await cli(me.token, ['network', 'inspect', 'bridge'])).code).toBe(0);
      const inspect = await docker(direct, [
        'volume',
        'inspect',
        '--format',
        '{{json .Labels}}',
        name('vol-mine'),
      ]);
      expect(JSON.parse(inspect.stdout)).toMatchObject({
        'berth.owner': me.id,
        'berth.team': teamId,
      });

      const rmVolume = await cli(me.token, ['volume', 'rm', name('vol-theirs')]);
      expect(rmVolume.code).not.toBe(0);
      expect(rmVolume.stderr).toMatch(/no such volume/i);
      const rmNetwork = await cli(me.token, ['network', 'rm', name('net-theirs')]);
      expect(rmNetwork.code).not.toBe(0);
      expect(rmNetwork.stderr).toMatch(/no such network/i);
      const connect = await cli(me.token, ['network', 'connect', name('net-mine'), name('theirs')]);
      expect(connect.code).not.toBe(0);
      expect(connect.stderr).toContain(`No such container: ${name('theirs')}`);
      expect(
        (await cli(me.token, ['network', 'connect', name('net-mine'), name('mine')])).code,
      ).toBe(0);
    });

    it('refuses calls that would reach beyond their own things, naming the permission', async () => {
      const prune = await berth.api<ErrorBody>(
        'POST',
        `/api/hosts/${host.id}/docker/v1.41/containers/prune`,
        { token: me.token },
      );
      expect(prune.status).toBe(403);
      expect(prune.body.error.details).toMatchObject({ missing: 'container.delete' });
      expect(prune.body.error.message).toContain('what you or your team own');
      const events = await berth.api<ErrorBody>('GET', `/api/hosts/${host.id}/docker/events`, {
        token: me.token,
      });
      expect(events.status).toBe(403);
      // Shared things stay open: engine facts and every image.
      const images = await cli(me.token, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
      expect(images.stdout).toContain(fleet().image);
      expect((await cli(me.token, ['info', '--format', '{{.Name}}'])).stdout.trim()).toBe(
        'berth-a',
      );
    });
  });
});
