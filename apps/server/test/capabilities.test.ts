import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  type BuiltInRole,
  type ErrorBody,
  PERMISSION_NAMES,
  type Permission,
  ROLE_DEFINITIONS,
  type TCapabilities,
  type TCreateContainerResponse,
  type THost,
} from '@berth/shared';
import { docker } from './support/docker-cli.js';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';
import { createUser, signIn, unique, USER_PASSWORD } from './support/identity.js';

jest.setTimeout(120_000);

/** The permissions probed through REST, each by one call that needs it. */
const PROBED = [
  'container.inspect',
  'container.start',
  'container.stop',
  'container.update',
  'container.create',
  'host.manage',
] as const satisfies readonly Permission[];

// GET /api/me/capabilities is what the dashboard hides buttons by. For each role on a real engine
// host, every permission it reports is one the REST API then allows, and every one it leaves out
// is refused.
describe('GET /api/me/capabilities', () => {
  let berth: TestBerth;
  let admin: string;
  let host: THost;
  let other: THost;
  const created: string[] = [];

  beforeAll(async () => {
    berth = await TestBerth.start();
    admin = await berth.adminToken();
    host = await berth.addHost(admin, { name: 'a', url: fleet().a });
    other = await berth.addHost(admin, { name: 'b', url: fleet().b });
  });
  afterAll(async () => {
    if (created.length > 0) await docker({ host: fleet().a }, ['rm', '-f', ...created]);
    await berth.stop();
  });

  /** A signed-in user with `role` on host a only (or no grant at all). */
  async function userWith(role: BuiltInRole | null): Promise<Record<string, string>> {
    const user = await createUser(berth, admin, unique(role ?? 'stranger'));
    if (role) {
      const grant = await berth.api('POST', '/api/grants', {
        token: admin,
        body: { userId: user.id, hostId: host.id, role },
      });
      expect(grant.status).toBe(201);
    }
    const { session } = await signIn(berth, user.username, USER_PASSWORD);
    if (!session) throw new Error('sign-in failed');
    return session.headers;
  }

  async function capabilitiesOf(headers: Record<string, string>): Promise<TCapabilities> {
    const res = await berth.api<TCapabilities>('GET', '/api/me/capabilities', { headers });
    expect(res.status).toBe(200);
    return res.body;
  }

  /** A stopped container on host a, made by whoever `headers` signs in (the admin's token else). */
  async function stoppedContainer(auth: { headers?: Record<string, string>; token?: string }) {
    const name = unique('caps');
    const res = await berth.api<TCreateContainerResponse | ErrorBody>(
      'POST',
      `/api/hosts/${host.id}/containers`,
      { ...auth, body: { image: fleet().image, name, start: false, cmd: ['sleep', '60'] } },
    );
    if (res.status === 201) created.push(name);
    return { status: res.status, name };
  }

  /** Calls the REST route that needs `permission` and answers whether it was let through. */
  async function allowed(
    headers: Record<string, string>,
    permission: (typeof PROBED)[number],
    container: string,
  ): Promise<boolean> {
    const base = `/api/hosts/${host.id}/containers/${container}`;
    const call = async (): Promise<number> => {
      switch (permission) {
        case 'container.inspect':
          return (await berth.api('GET', `${base}/json`, { headers })).status;
        case 'container.start':
          return (await berth.api('POST', `${base}/start`, { headers })).status;
        case 'container.stop':
          return (await berth.api('POST', `${base}/stop?t=0`, { headers })).status;
        case 'container.update':
          return (await berth.api('POST', `${base}/update`, { headers, body: { cpuShares: 512 } }))
            .status;
        case 'container.create':
          return (await stoppedContainer({ headers })).status;
        case 'host.manage':
          return (await berth.api('PUT', `/api/hosts/${host.id}/policy`, { headers, body: {} }))
            .status;
      }
    };
    const status = await call();
    // A refusal names the permission (403), or hides the host from a user with no grant (404).
    expect([200, 201, 204, 304, 403, 404]).toContain(status);
    return status < 400;
  }

  it.each(['read-only', 'helpdesk', 'operator', 'standard', 'host-admin'] as const)(
    'answers exactly what the %s role is then allowed on the host',
    async (role) => {
      const headers = await userWith(role);
      const caps = await capabilitiesOf(headers);
      expect(caps.isAdmin).toBe(false);
      // Only the granted host, with the role's permissions in catalog order.
      expect(Object.keys(caps.hosts)).toEqual([host.id]);
      const granted = caps.hosts[host.id] ?? [];
      expect(granted).toEqual(
        PERMISSION_NAMES.filter((p) => ROLE_DEFINITIONS[role].permissions.includes(p)),
      );
      // An owned-only role's permissions all reach only the user's own objects; what everyone on
      // the host shares (images here) is then refused to it, as the dashboard is told.
      expect(caps.ownedOnly).toEqual(
        ROLE_DEFINITIONS[role].ownedOnly ? { [host.id]: granted } : {},
      );
      if (granted.includes('image.pull')) {
        // An empty archive: the host would refuse it (400) once the grant let it through.
        const load = await fetch(`${berth.url}/api/hosts/${host.id}/images/load`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-tar' },
          body: new Uint8Array(0),
        });
        expect(load.status).toBe(ROLE_DEFINITIONS[role].ownedOnly ? 403 : 400);
      }
      // Owned-only roles act on their own containers: the target is theirs when they may create.
      const target = (
        ROLE_DEFINITIONS[role].ownedOnly
          ? await stoppedContainer({ headers })
          : await stoppedContainer({ token: admin })
      ).name;
      for (const permission of PROBED) {
        expect({ permission, allowed: await allowed(headers, permission, target) }).toEqual({
          permission,
          allowed: granted.includes(permission),
        });
      }
    },
  );

  it('leaves out every host of a user without grants, and the API hides them', async () => {
    const headers = await userWith(null);
    expect(await capabilitiesOf(headers)).toEqual({ isAdmin: false, hosts: {}, ownedOnly: {} });
    const target = (await stoppedContainer({ token: admin })).name;
    const res = await berth.api<ErrorBody>(
      'GET',
      `/api/hosts/${host.id}/containers/${target}/json`,
      {
        headers,
      },
    );
    expect(res.status).toBe(404);
  });

  it('gives an administrator every permission on every host', async () => {
    const caps = await berth.api<TCapabilities>('GET', '/api/me/capabilities', { token: admin });
    expect(caps.status).toBe(200);
    expect(caps.body).toEqual({
      isAdmin: true,
      hosts: { [host.id]: PERMISSION_NAMES, [other.id]: PERMISSION_NAMES },
      ownedOnly: {},
    });
  });

  it('follows a grant change at once', async () => {
    const user = await createUser(berth, admin, unique('regrant'));
    const { session } = await signIn(berth, user.username, USER_PASSWORD);
    if (!session) throw new Error('sign-in failed');
    expect((await capabilitiesOf(session.headers)).hosts).toEqual({});
    const grant = await berth.api('POST', '/api/grants', {
      token: admin,
      body: { userId: user.id, hostId: other.id, role: 'operator' },
    });
    expect(grant.status).toBe(201);
    expect(Object.keys((await capabilitiesOf(session.headers)).hosts)).toEqual([other.id]);
  });

  it('refuses a caller who is not signed in', async () => {
    expect((await berth.api('GET', '/api/me/capabilities')).status).toBe(401);
  });
});
