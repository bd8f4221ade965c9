import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  BUILT_IN_ROLES,
  type ErrorBody,
  PERMISSION_NAMES,
  ROLE_DEFINITIONS,
  type TAuditPage,
  type TGrant,
  type THostPolicy,
  type TPermissionInfo,
  type TRole,
  type TSession,
  type TTeam,
  type TTotpSetupResponse,
  type TUserAccount,
} from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';
import {
  awayFromStepEdge,
  createUser,
  signIn,
  tokenFor,
  totpCode,
  unique,
  USER_PASSWORD,
} from './support/identity.js';

// TOTP tests may wait up to 12 s for a fresh 30 s time step.
jest.setTimeout(60_000);

let berth: TestBerth;
let admin: string;
let hostId: string;

beforeAll(async () => {
  berth = await TestBerth.start();
  admin = await berth.adminToken();
  hostId = (await berth.addHost(admin, { name: 'a', url: fleet().a, group: 'edge' })).id;
});
afterAll(() => berth.stop());

const issuePaths = (res: { body: unknown }) =>
  ((res.body as ErrorBody).error.details?.issues ?? []).map((issue) => issue.path);

/** The newest audit records of one action. */
async function audited(action: string) {
  const res = await berth.api<TAuditPage>('GET', `/api/audit?action=${action}&limit=20`, {
    token: admin,
  });
  return res.body.items;
}

describe('users', () => {
  it('creates, lists and edits users, and names each bad field', async () => {
    const name = unique('ada');
    const created = await berth.api<TUserAccount>('POST', '/api/users', {
      token: admin,
      body: { username: name, password: USER_PASSWORD, displayName: 'Ada L.' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: name,
      displayName: 'Ada L.',
      isAdmin: false,
      disabled: false,
      totpEnabled: false,
      teams: [],
    });
    expect(JSON.stringify(created.body)).not.toContain(USER_PASSWORD);
    const listed = await berth.api<TUserAccount[]>('GET', '/api/users', { token: admin });
    expect(listed.body.map((u) => u.username)).toEqual(expect.arrayContaining(['admin', name]));

    const again = await berth.api('POST', '/api/users', {
      token: admin,
      body: { username: name, password: USER_PASSWORD },
    });
    expect(again.status).toBe(409);
    expect(issuePaths(again)).toEqual(['username']);
    const bad = await berth.api('POST', '/api/users', {
      token: admin,
      body: { username: 'no spaces', password: 'short', isAdmin: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad).sort()).toEqual(['isAdmin', 'password', 'username']);

    const edited = await berth.api<TUserAccount>('PATCH', `/api/users/${created.body.id}`, {
      token: admin,
      body: { displayName: 'Ada Lovelace', isAdmin: true },
    });
    expect(edited.body).toMatchObject({ displayName: 'Ada Lovelace', isAdmin: true });
    const [record] = await audited('user.update');
    expect(record).toMatchObject({
      target: name,
      details: { fields: ['displayName', 'isAdmin'], isAdmin: true },
    });
    const shortPassword = await berth.api('PATCH', `/api/users/${created.body.id}`, {
      token: admin,
      body: { password: 'short' },
    });
    expect(issuePaths(shortPassword)).toEqual(['password']);
  });

  it('answers 404 for unknown users and keeps the routes for administrators', async () => {
    expect((await berth.api('PATCH', '/api/users/nope', { token: admin, body: {} })).status).toBe(
      404,
    );
    expect((await berth.api('DELETE', '/api/users/nope', { token: admin })).status).toBe(404);
    const name = unique('plain');
    await createUser(berth, admin, name);
    const { session } = await signIn(berth, name, USER_PASSWORD);
    const forbidden = await berth.api<ErrorBody>('GET', '/api/users', {
      headers: session?.headers ?? {},
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.details).toMatchObject({ missing: 'admin' });
  });

  it('refuses to disable or delete yourself and to remove the last administrator', async () => {
    const me = (await berth.api<{ user: { id: string } }>('GET', '/api/auth/me', { token: admin }))
      .body.user.id;
    const disableSelf = await berth.api('PATCH', `/api/users/${me}`, {
      token: admin,
      body: { disabled: true },
    });
    expect(disableSelf.status).toBe(409);
    expect(issuePaths(disableSelf)).toEqual(['disabled']);
    expect((await berth.api('DELETE', `/api/users/${me}`, { token: admin })).status).toBe(409);

    // A second administrator can be demoted while the first remains …
    const other = await createUser(berth, admin, unique('second-admin'), { isAdmin: true });
    const demoted = await berth.api<TUserAccount>('PATCH', `/api/users/${other.id}`, {
      token: admin,
      body: { isAdmin: false },
    });
    expect(demoted.body.isAdmin).toBe(false);
    // … but demoting every other administrator leaves this one as the last, who cannot step down.
    const admins = (
      await berth.api<TUserAccount[]>('GET', '/api/users', { token: admin })
    ).body.filter((u) => u.isAdmin && u.id !== me);
    for (const a of admins) {
      await berth.api('PATCH', `/api/users/${a.id}`, { token: admin, body: { isAdmin: false } });
    }
    const last = await berth.api('PATCH', `/api/users/${me}`, {
      token: admin,
      body: { isAdmin: false },
    });
    expect(last.status).toBe(409);
    expect(issuePaths(last)).toEqual(['isAdmin']);
  });

  it('ends the sessions and tokens of a disabled user at once', async () => {
    const name = unique('leaver');
    const user = await createUser(berth, admin, name);
    const { session } = await signIn(berth, name, USER_PASSWORD);
    if (!session) throw new Error('sign-in failed');
    const token = await tokenFor(berth, session);
    // Both credentials work, and are now in the server's credential cache.
    expect((await berth.api('GET', '/api/auth/me', { headers: session.headers })).status).toBe(200);
    expect((await berth.api('GET', '/api/auth/me', { token })).status).toBe(200);

    const disabled = await berth.api<TUserAccount>('PATCH', `/api/users/${user.id}`, {
      token: admin,
      body: { disabled: true },
    });
    expect(disabled.body.disabled).toBe(true);
    expect((await berth.api('GET', '/api/auth/me', { headers: session.headers })).status).toBe(401);
    expect((await berth.api('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(401);
    const [record] = await audited('user.disable');
    expect(record).toMatchObject({ target: name, outcome: 'success' });

    const db = new PrismaService(berth.server.app.get(PrismaService).config);
    try {
      expect(await db.db.session.count({ where: { userId: user.id } })).toBe(0);
      expect(await db.db.apiToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    } finally {
      await db.onModuleDestroy();
    }

    // Enabling again lets them sign in; the revoked token stays revoked.
    await berth.api('PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: false } });
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(200);
    expect((await berth.api('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await audited('user.enable'))[0]).toMatchObject({ target: name });
  });

  it('ends the other sessions when an administrator sets a new password', async () => {
    const name = unique('reset');
    const user = await createUser(berth, admin, name);
    const { session } = await signIn(berth, name, USER_PASSWORD);
    await berth.api('PATCH', `/api/users/${user.id}`, {
      token: admin,
      body: { password: 'a-brand-new-password' },
    });
    expect(
      (await berth.api('GET', '/api/auth/me', { headers: session?.headers ?? {} })).status,
    ).toBe(401);
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(401);
    expect((await signIn(berth, name, 'a-brand-new-password')).status).toBe(200);
  });

  it('deletes a user with their memberships and grants', async () => {
    const user = await createUser(berth, admin, unique('gone'));
    const team = await berth.api<TTeam>('POST', '/api/teams', {
      token: admin,
      body: { name: unique('t') },
    });
    await berth.api('POST', `/api/teams/${team.body.id}/members`, {
      token: admin,
      body: { userId: user.id },
    });
    await berth.api('POST', '/api/grants', {
      token: admin,
      body: { userId: user.id, hostId, role: 'operator' },
    });
    expect((await berth.api('DELETE', `/api/users/${user.id}`, { token: admin })).status).toBe(204);
    const teams = await berth.api<TTeam[]>('GET', '/api/teams', { token: admin });
    expect(teams.body.find((t) => t.id === team.body.id)?.members).toEqual([]);
    const grants = await berth.api<TGrant[]>('GET', `/api/grants?userId=${user.id}`, {
      token: admin,
    });
    expect(grants.body).toEqual([]);
  });
});

describe('teams', () => {
  it('creates teams, adds and removes members, and names bad input', async () => {
    const name = unique('ops');
    const created = await berth.api<TTeam>('POST', '/api/teams', { token: admin, body: { name } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, members: [] });
    const duplicate = await berth.api('POST', '/api/teams', { token: admin, body: { name } });
    expect(duplicate.status).toBe(409);
    expect(issuePaths(duplicate)).toEqual(['name']);
    expect(issuePaths(await berth.api('POST', '/api/teams', { token: admin, body: {} }))).toEqual([
      'name',
    ]);

    const user = await createUser(berth, admin, unique('member'));
    const added = await berth.api<TTeam>('POST', `/api/teams/${created.body.id}/members`, {
      token: admin,
      body: { userId: user.id },
    });
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([
      { userId: user.id, username: user.username, displayName: user.username },
    ]);
    // Adding again changes nothing.
    const twice = await berth.api<TTeam>('POST', `/api/teams/${created.body.id}/members`, {
      token: admin,
      body: { userId: user.id },
    });
    expect(twice.body.members).toHaveLength(1);
    const users = await berth.api<TUserAccount[]>('GET', '/api/users', { token: admin });
    expect(users.body.find((u) => u.id === user.id)?.teams).toEqual([
      { id: created.body.id, name },
    ]);

    const noUser = await berth.api('POST', `/api/teams/${created.body.id}/members`, {
      token: admin,
      body: { userId: 'nobody' },
    });
    expect(noUser.status).toBe(400);
    expect(issuePaths(noUser)).toEqual(['userId']);
    const noTeam = await berth.api('POST', '/api/teams/nope/members', {
      token: admin,
      body: { userId: user.id },
    });
    expect(noTeam.status).toBe(404);

    const path = `/api/teams/${created.body.id}/members/${user.id}`;
    expect((await berth.api('DELETE', path, { token: admin })).status).toBe(204);
    expect((await berth.api('DELETE', path, { token: admin })).status).toBe(404);
    expect((await audited('team.member_remove'))[0]).toMatchObject({
      target: name,
      details: { teamId: created.body.id, userId: user.id },
    });
  });

  it('deletes a team with its grants', async () => {
    const team = await berth.api<TTeam>('POST', '/api/teams', {
      token: admin,
      body: { name: unique('short-lived') },
    });
    const grant = await berth.api<TGrant>('POST', '/api/grants', {
      token: admin,
      body: { teamId: team.body.id, hostId: '*', role: 'read-only' },
    });
    expect(grant.status).toBe(201);
    expect((await berth.api('DELETE', `/api/teams/${team.body.id}`, { token: admin })).status).toBe(
      204,
    );
    expect((await berth.api('DELETE', `/api/teams/${team.body.id}`, { token: admin })).status).toBe(
      404,
    );
    expect(
      (await berth.api('DELETE', `/api/grants/${grant.body.id}`, { token: admin })).status,
    ).toBe(404);
  });
});

describe('roles and grants', () => {
  it('lists the built-in roles and the permission catalog', async () => {
    const roles = await berth.api<TRole[]>('GET', '/api/roles', { token: admin });
    for (const key of BUILT_IN_ROLES) {
      expect(roles.body.find((r) => r.id === key)).toEqual({
        id: key,
        name: ROLE_DEFINITIONS[key].name,
        description: ROLE_DEFINITIONS[key].description,
        permissions: [...ROLE_DEFINITIONS[key].permissions],
        builtIn: true,
        ownedOnly: ROLE_DEFINITIONS[key].ownedOnly,
      });
    }
    const catalog = await berth.api<TPermissionInfo[]>('GET', '/api/permissions', { token: admin });
    expect(catalog.body.map((p) => p.name)).toEqual(PERMISSION_NAMES);
    expect(catalog.body.every((p) => p.description.length > 0)).toBe(true);
  });

  it('creates, edits and deletes custom roles, naming a permission not in the catalog', async () => {
    const typo = await berth.api<ErrorBody>('POST', '/api/roles', {
      token: admin,
      body: { name: 'deployer', permissions: ['container.start', 'container.launch'] },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details?.issues).toEqual([
      {
        path: 'permissions.1',
        message: '"container.launch" is not in the permission catalog (GET /api/permissions)',
      },
    ]);
    expect(
      issuePaths(await berth.api('POST', '/api/roles', { token: admin, body: {} })).sort(),
    ).toEqual(['name', 'permissions']);

    const name = unique('deployer');
    const role = await berth.api<TRole>('POST', '/api/roles', {
      token: admin,
      body: { name, permissions: ['host.view', 'container.start', 'container.stop'] },
    });
    expect(role.status).toBe(201);
    expect(role.body).toMatchObject({ name, builtIn: false, ownedOnly: false });
    expect(
      (
        await berth.api('POST', '/api/roles', {
          token: admin,
          body: { name, permissions: ['host.view'] },
        })
      ).status,
    ).toBe(409);

    const edited = await berth.api<TRole>('PATCH', `/api/roles/${role.body.id}`, {
      token: admin,
      body: { permissions: ['host.view', 'host.manage'] },
    });
    expect(edited.body.permissions).toEqual(['host.view', 'host.manage']);
    expect(
      (await berth.api('PATCH', '/api/roles/operator', { token: admin, body: {} })).status,
    ).toBe(409);
    expect((await berth.api('PATCH', '/api/roles/nope', { token: admin, body: {} })).status).toBe(
      404,
    );

    const user = await createUser(berth, admin, unique('custom'));
    const grant = await berth.api<TGrant>('POST', '/api/grants', {
      token: admin,
      body: { userId: user.id, hostId, role: role.body.id },
    });
    expect(grant.body.roleName).toBe(name);
    const inUse = await berth.api<ErrorBody>('DELETE', `/api/roles/${role.body.id}`, {
      token: admin,
    });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.details).toMatchObject({ grants: 1 });
    await berth.api('DELETE', `/api/grants/${grant.body.id}`, { token: admin });
    expect((await berth.api('DELETE', `/api/roles/${role.body.id}`, { token: admin })).status).toBe(
      204,
    );
    expect((await audited('role.*')).map((r) => r.action).slice(0, 3)).toEqual([
      'role.delete',
      'role.update',
      'role.create',
    ]);
  });

  it('grants a role on a host, a group or every host, and checks every reference', async () => {
    const user = await createUser(berth, admin, unique('granted'));
    const team = (
      await berth.api<TTeam>('POST', '/api/teams', { token: admin, body: { name: unique('g') } })
    ).body;
    await berth.api('POST', `/api/teams/${team.id}/members`, {
      token: admin,
      body: { userId: user.id },
    });
    const grant = (body: Record<string, unknown>) =>
      berth.api<TGrant>('POST', '/api/grants', { token: admin, body });

    const onHost = await grant({ userId: user.id, hostId, role: 'operator' });
    expect(onHost.status).toBe(201);
    expect(onHost.body).toMatchObject({
      hostId,
      allHosts: false,
      role: 'operator',
      roleName: 'Operator',
    });
    const everywhere = await grant({ teamId: team.id, hostId: '*', role: 'read-only' });
    expect(everywhere.body).toMatchObject({ hostId: null, allHosts: true });
    const allHosts = await grant({ userId: user.id, allHosts: true, role: 'helpdesk' });
    expect(allHosts.body.allHosts).toBe(true);
    const onGroup = await grant({ userId: user.id, hostGroup: 'edge', role: 'standard' });
    expect(onGroup.body.hostGroup).toBe('edge');
    expect((await grant({ userId: user.id, hostId, role: 'operator' })).status).toBe(409);

    expect(
      issuePaths(await grant({ userId: user.id, teamId: team.id, hostId, role: 'operator' })),
    ).toEqual(['teamId']);
    expect(issuePaths(await grant({ hostId, role: 'operator' }))).toEqual(['userId']);
    expect(issuePaths(await grant({ userId: user.id, role: 'operator' }))).toEqual(['hostId']);
    expect(
      issuePaths(await grant({ userId: user.id, hostId, hostGroup: 'edge', role: 'operator' })),
    ).toEqual(['hostId']);
    expect(
      issuePaths(
        await grant({ userId: 'nobody', teamId: undefined, hostId: 'nohost', role: 'superuser' }),
      ).sort(),
    ).toEqual(['hostId', 'role', 'userId']);
    expect(issuePaths(await grant({ teamId: 'noteam', hostId, role: 'operator' }))).toEqual([
      'teamId',
    ]);

    const forHost = await berth.api<TGrant[]>('GET', `/api/grants?hostId=${hostId}`, {
      token: admin,
    });
    const ids = forHost.body.map((g) => g.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        onHost.body.id,
        everywhere.body.id,
        allHosts.body.id,
        onGroup.body.id,
      ]),
    );
    const forUser = await berth.api<TGrant[]>('GET', `/api/grants?userId=${user.id}`, {
      token: admin,
    });
    expect(forUser.body.map((g) => g.id).sort()).toEqual(
      [onHost.body.id, everywhere.body.id, allHosts.body.id, onGroup.body.id].sort(),
    );
    const forTeam = await berth.api<TGrant[]>('GET', `/api/grants?teamId=${team.id}`, {
      token: admin,
    });
    expect(forTeam.body.map((g) => g.id)).toEqual([everywhere.body.id]);
    expect((await berth.api('GET', '/api/grants?hostId=nohost', { token: admin })).status).toBe(
      404,
    );

    expect(
      (await berth.api('DELETE', `/api/grants/${onHost.body.id}`, { token: admin })).status,
    ).toBe(204);
    expect(
      (await berth.api('DELETE', `/api/grants/${onHost.body.id}`, { token: admin })).status,
    ).toBe(404);
    expect((await audited('grant.delete'))[0]).toMatchObject({
      hostId,
      target: onHost.body.id,
      details: { userId: user.id, role: 'operator' },
    });
  });
});

describe('host security policy', () => {
  it('starts with everything forbidden and takes a new policy from an administrator', async () => {
    const initial = await berth.api<THostPolicy>('GET', `/api/hosts/${hostId}/policy`, {
      token: admin,
    });
    expect(initial.body).toMatchObject({
      forbidPrivileged: true,
      bindMounts: 'forbid',
      allowedBindPrefixes: [],
      forbidHostNetwork: true,
    });
    const put = await berth.api<THostPolicy>('PUT', `/api/hosts/${hostId}/policy`, {
      token: admin,
      body: {
        bindMounts: 'allow-listed',
        allowedBindPrefixes: ['/srv/data'],
        forbidSysctls: false,
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      forbidPrivileged: true,
      bindMounts: 'allow-listed',
      allowedBindPrefixes: ['/srv/data'],
      forbidSysctls: false,
    });
    expect(
      (await berth.api<THostPolicy>('GET', `/api/hosts/${hostId}/policy`, { token: admin })).body,
    ).toEqual(put.body);
    expect((await audited('policy.update'))[0]).toMatchObject({
      hostId,
      details: { changed: ['bindMounts', 'allowedBindPrefixes', 'forbidSysctls'] },
    });

    const bad = await berth.api('PUT', `/api/hosts/${hostId}/policy`, {
      token: admin,
      body: { bindMounts: 'sometimes', allowedBindPrefixes: ['relative'], forbidPrivilegd: false },
    });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad).sort()).toEqual(['', 'allowedBindPrefixes.0', 'bindMounts']);
    // An unknown field is refused as a whole-body issue that names it.
    expect(JSON.stringify(bad.body)).toContain('Unrecognized key: \\"forbidPrivilegd\\"');
    expect((await berth.api('GET', '/api/hosts/nope/policy', { token: admin })).status).toBe(404);
  });

  it('lets host.manage edit it, refuses other roles and hides the host from strangers', async () => {
    const asUser = async (role: string | null) => {
      const user = await createUser(berth, admin, unique(role ?? 'stranger'));
      if (role) {
        await berth.api('POST', '/api/grants', {
          token: admin,
          body: { userId: user.id, hostId, role },
        });
      }
      const { session } = await signIn(berth, user.username, USER_PASSWORD);
      return session?.headers ?? {};
    };
    const hostAdmin = await asUser('host-admin');
    expect(
      (await berth.api('GET', `/api/hosts/${hostId}/policy`, { headers: hostAdmin })).status,
    ).toBe(200);
    expect(
      (
        await berth.api('PUT', `/api/hosts/${hostId}/policy`, {
          headers: hostAdmin,
          body: { forbidHostPid: true },
        })
      ).status,
    ).toBe(200);
    const operator = await asUser('operator');
    const denied = await berth.api<ErrorBody>('PUT', `/api/hosts/${hostId}/policy`, {
      headers: operator,
      body: {},
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.details).toMatchObject({ missing: 'host.manage' });
    const stranger = await asUser(null);
    expect(
      (await berth.api('GET', `/api/hosts/${hostId}/policy`, { headers: stranger })).status,
    ).toBe(404);
  });
});

describe('sign-in throttling', () => {
  let throttled: TestBerth;
  let throttledAdmin: string;

  beforeAll(async () => {
    // Behind a trusted proxy, X-Forwarded-For gives each test its own source address.
    throttled = await TestBerth.start({ BERTH_TRUST_PROXY: 'true' });
    throttledAdmin = await throttled.adminToken();
  });
  afterAll(() => throttled.stop());

  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

  it('refuses an account after five failures, even with the right password, and says when to retry', async () => {
    const name = unique('target');
    await createUser(throttled, throttledAdmin, name);
    for (let i = 0; i < 5; i += 1) {
      expect((await signIn(throttled, name, 'wrong-password', from('10.1.0.1'))).status).toBe(401);
    }
    const refused = await signIn(throttled, name, USER_PASSWORD, from('10.1.0.1'));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((refused.body as ErrorBody).error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { retryAfterSeconds: retryAfter },
    });
    // The account is throttled whatever address the attempts come from.
    expect((await signIn(throttled, name, USER_PASSWORD, from('10.1.0.2'))).status).toBe(429);
    const page = await throttled.api<TAuditPage>('GET', '/api/audit?action=auth.login_throttled', {
      token: throttledAdmin,
    });
    expect(page.body.items[0]).toMatchObject({ target: name, outcome: 'denied', status: 429 });
  });

  it('refuses an address after twenty failures, whichever accounts it tries', async () => {
    const name = unique('bystander');
    await createUser(throttled, throttledAdmin, name);
    for (let i = 0; i < 20; i += 1) {
      expect(
        (await signIn(throttled, unique('guess'), 'wrong-password', from('10.2.0.1'))).status,
      ).toBe(401);
    }
    expect((await signIn(throttled, name, USER_PASSWORD, from('10.2.0.1'))).status).toBe(429);
    expect((await signIn(throttled, name, USER_PASSWORD, from('10.2.0.2'))).status).toBe(200);
  });

  it('starts an account afresh after a successful sign-in', async () => {
    const name = unique('forgetful');
    await createUser(throttled, throttledAdmin, name);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 4; i += 1)
        await signIn(throttled, name, 'wrong-password', from('10.3.0.1'));
      expect((await signIn(throttled, name, USER_PASSWORD, from('10.3.0.1'))).status).toBe(200);
    }
  });
});

describe('sessions', () => {
  it('lists your sessions without their cookies and ends one at once', async () => {
    const name = unique('laptop');
    await createUser(berth, admin, name);
    const first = (await signIn(berth, name, USER_PASSWORD)).session;
    const second = (
      await signIn(berth, name, USER_PASSWORD, { headers: { 'user-agent': 'phone/1' } })
    ).session;
    if (!first || !second) throw new Error('sign-in failed');
    const listed = await berth.api<TSession[]>('GET', '/api/auth/sessions', {
      headers: first.headers,
    });
    expect(listed.body).toHaveLength(2);
    const cookieValue = first.cookie.split('=')[1] ?? '';
    expect(JSON.stringify(listed.body)).not.toContain(cookieValue);
    expect(listed.body.every((s) => /^[0-9a-f]{64}$/.test(s.id))).toBe(true);
    const current = listed.body.filter((s) => s.current);
    expect(current).toHaveLength(1);
    const other = listed.body.find((s) => !s.current);
    expect(other?.userAgent).toBe('phone/1');

    // Somebody else's session is not yours to end.
    const mine = await berth.api<TSession[]>('GET', '/api/auth/sessions', { token: admin });
    expect(mine.body.map((s) => s.id)).not.toContain(other?.id);
    expect(
      (await berth.api('DELETE', `/api/auth/sessions/${other?.id}`, { token: admin })).status,
    ).toBe(404);

    expect((await berth.api('GET', '/api/auth/me', { headers: second.headers })).status).toBe(200);
    const ended = await berth.api('DELETE', `/api/auth/sessions/${other?.id}`, {
      headers: first.headers,
    });
    expect(ended.status).toBe(204);
    expect((await berth.api('GET', '/api/auth/me', { headers: second.headers })).status).toBe(401);
    expect((await berth.api('GET', '/api/auth/me', { headers: first.headers })).status).toBe(200);
    expect((await audited('session.revoke'))[0]).toMatchObject({ actor: { name } });
  });
});

describe('two-factor sign-in (TOTP)', () => {
  it('sets up, enables, demands and checks a code, refuses a replay, and turns off', async () => {
    await awayFromStepEdge();
    const name = unique('careful');
    const user = await createUser(berth, admin, name);
    const { session } = await signIn(berth, name, USER_PASSWORD);
    if (!session) throw new Error('sign-in failed');
    const headers = session.headers;

    const setup = await berth.api<TTotpSetupResponse>('POST', '/api/auth/totp/setup', { headers });
    expect(setup.status).toBe(200);
    const { secret, otpauthUrl } = setup.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toContain(`otpauth://totp/Berth:${name}?`);
    expect(otpauthUrl).toContain(`secret=${secret}`);
    expect((await berth.api('GET', '/api/auth/totp', { headers })).body).toEqual({
      enabled: false,
      pending: true,
    });
    // Not in force until confirmed.
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(200);

    const wrong = await berth.api('POST', '/api/auth/totp/enable', {
      headers,
      body: { code: totpCode(secret, 5) },
    });
    expect(wrong.status).toBe(400);
    expect(issuePaths(wrong)).toEqual(['code']);
    expect(
      (
        await berth.api('POST', '/api/auth/totp/enable', {
          headers,
          body: { code: totpCode(secret, -1) },
        })
      ).status,
    ).toBe(200);
    expect((await berth.api('GET', '/api/auth/totp', { headers })).body).toEqual({
      enabled: true,
      pending: false,
    });
    expect((await berth.api('POST', '/api/auth/totp/setup', { headers })).status).toBe(409);

    const missing = await signIn(berth, name, USER_PASSWORD);
    expect(missing.status).toBe(401);
    expect((missing.body as ErrorBody).error.details).toEqual({ totpRequired: true });
    const badCode = await signIn(berth, name, USER_PASSWORD, { totp: totpCode(secret, 5) });
    expect(badCode.status).toBe(401);
    expect((badCode.body as ErrorBody).error.details).toEqual({ totpRequired: true });
    // The wrong password is refused as before, without saying whether a code is needed.
    const wrongPassword = await signIn(berth, name, 'not-the-password', { totp: totpCode(secret) });
    expect((wrongPassword.body as ErrorBody).error.details).toBeUndefined();

    const code = totpCode(secret);
    expect((await signIn(berth, name, USER_PASSWORD, { totp: code })).status).toBe(200);
    expect((await signIn(berth, name, USER_PASSWORD, { totp: code })).status).toBe(401);
    const users = await berth.api<TUserAccount[]>('GET', '/api/users', { token: admin });
    expect(users.body.find((u) => u.id === user.id)?.totpEnabled).toBe(true);

    // The secret is sealed at rest, and neither it nor a code reaches the audit log.
    const db = new PrismaService(berth.server.app.get(PrismaService).config);
    try {
      const row = await db.db.userTotp.findUnique({ where: { userId: user.id } });
      expect(row?.secret).toMatch(/^v1\./);
      expect(row?.secret).not.toContain(secret);
      const records = await db.db.auditEvent.findMany();
      expect(JSON.stringify(records)).not.toContain(secret);
      expect(JSON.stringify(records)).not.toContain(USER_PASSWORD);
    } finally {
      await db.onModuleDestroy();
    }

    expect(
      (
        await berth.api('POST', '/api/auth/totp/disable', {
          headers,
          body: { code: totpCode(secret, 1) },
        })
      ).status,
    ).toBe(204);
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(200);
    expect((await audited('auth.totp_enable'))[0]).toMatchObject({ target: name });
    expect((await audited('auth.totp_disable'))[0]).toMatchObject({ target: name });
  });

  it('lets an administrator turn it off for a user who lost their phone', async () => {
    const name = unique('lost-phone');
    const user = await createUser(berth, admin, name);
    const { session } = await signIn(berth, name, USER_PASSWORD);
    const headers = session?.headers ?? {};
    await awayFromStepEdge();
    const { secret } = (
      await berth.api<TTotpSetupResponse>('POST', '/api/auth/totp/setup', { headers })
    ).body;
    await berth.api('POST', '/api/auth/totp/enable', { headers, body: { code: totpCode(secret) } });
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(401);
    await berth.api('PATCH', `/api/users/${user.id}`, { token: admin, body: { resetTotp: true } });
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(200);
  });
});
