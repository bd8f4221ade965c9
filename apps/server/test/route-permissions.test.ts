import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  API_ROUTES,
  type ApiRoute,
  type ErrorBody,
  PERMISSION_NAMES,
  type Permission,
  ROUTES,
  type TRole,
  type THost,
} from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';
import {
  type BrowserSession,
  createUser,
  signIn,
  unique,
  USER_PASSWORD,
} from './support/identity.js';

jest.setTimeout(120_000);

/** Every REST route that declares the catalog permission it needs on the host its path names. */
const HOST_ROUTES = API_ROUTES.filter(
  (route): route is ApiRoute & { permission: Permission } =>
    route.permission !== undefined && route.path.includes('{hostId}'),
);
const NEEDED = [...new Set(HOST_ROUTES.map((route) => route.permission))];

/** The route's path on `hostId`, every other parameter naming something that does not exist. */
function pathOf(route: ApiRoute, hostId: string): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'hostId' ? hostId : `missing-${name}`,
  );
}

// The contract's `permission` is the rule for its route: checked before the handler (and before
// the body is read), whatever the route does. A user with no grant on the host never learns it
// exists; a user holding every permission but the route's own is refused, naming it.
describe('the permission each host-scoped route declares', () => {
  let berth: TestBerth;
  let admin: string;
  let host: THost;
  let stranger: BrowserSession;
  /** Per permission: a user whose grant on the host holds every other catalog permission. */
  const allBut = new Map<Permission, BrowserSession>();

  async function session(username: string): Promise<BrowserSession> {
    const { session } = await signIn(berth, username, USER_PASSWORD);
    if (!session) throw new Error(`sign-in of ${username} failed`);
    return session;
  }

  beforeAll(async () => {
    berth = await TestBerth.start();
    admin = await berth.adminToken();
    host = await berth.addHost(admin, { name: 'a', url: fleet().a });
    stranger = await session((await createUser(berth, admin, unique('stranger'))).username);
    for (const permission of NEEDED) {
      const role = await berth.api<TRole>('POST', '/api/roles', {
        token: admin,
        body: {
          name: unique(`all-but-${permission}`).slice(0, 64),
          permissions: PERMISSION_NAMES.filter((p) => p !== permission),
        },
      });
      expect(role.status).toBe(201);
      const user = await createUser(berth, admin, unique('lacks'));
      const grant = await berth.api('POST', '/api/grants', {
        token: admin,
        body: { userId: user.id, hostId: host.id, role: role.body.id },
      });
      expect(grant.status).toBe(201);
      allBut.set(permission, await session(user.username));
    }
  });

  afterAll(async () => {
    await berth?.stop();
  });

  it('covers the container and host policy routes, and only routes that name a host', () => {
    expect(HOST_ROUTES).toEqual(
      expect.arrayContaining([
        ROUTES.createContainer,
        ROUTES.stopContainer,
        ROUTES.inspectContainer,
        ROUTES.removeContainer,
        ROUTES.setHostPolicy,
      ]),
    );
    expect(
      API_ROUTES.filter((r) => r.permission && !r.path.includes('{hostId}') && !r.hostFrom),
    ).toEqual([]);
  });

  it.each(
    HOST_ROUTES.map((route) => ({ name: `${route.method.toUpperCase()} ${route.path}`, route })),
  )('$name', async ({ route }) => {
    const path = pathOf(route, host.id);
    const call = (who: BrowserSession) =>
      berth.api<ErrorBody>(route.method.toUpperCase(), path, {
        headers: who.headers,
        ...(route.method === 'get' || route.method === 'delete' ? {} : { body: {} }),
      });
    const hidden = await call(stranger);
    expect({ status: hidden.status, error: hidden.body.error }).toEqual({
      status: 404,
      error: expect.objectContaining({ code: 'NOT_FOUND', message: 'host not found' }),
    });
    const lacking = await call(allBut.get(route.permission)!);
    expect({ status: lacking.status, error: lacking.body.error }).toEqual({
      status: 403,
      error: expect.objectContaining({
        code: 'FORBIDDEN',
        message: `this needs permission ${route.permission} on the host`,
        details: { missing: route.permission },
      }),
    });
  });
});
