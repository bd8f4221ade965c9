import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type ApiRoute, type Permission, ROUTES } from '@berth/shared';
import type { Logger } from 'pino';
import { AccessService } from '../access/access.service.js';
import { HostAccess, type Reach } from '../access/host-access.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { Route } from '../common/route.decorator.js';
import type { ClusterBus } from '../database/cluster-bus.js';
import type { PrismaService } from '../database/prisma.service.js';
import { AuthGuard } from './auth.guard.js';
import type { Authenticator } from './authenticator.js';
import type { Principal, PrincipalUser } from './principal.js';
import { type RequestWithGrant, RoutePermission } from './route-permission.js';

const HOST = 'host-1';

/** Grants by user id on HOST, as the database would hold them; nothing anywhere else. */
class TableAccess extends AccessService {
  lookups = 0;

  constructor(private readonly table: Record<string, Record<string, Reach>>) {
    super({} as PrismaService, { onMessage: () => undefined } as unknown as ClusterBus);
  }

  override forHost(user: PrincipalUser, hostId: string): Promise<HostAccess> {
    this.lookups += 1;
    const reach = hostId === HOST ? (this.table[user.id] ?? {}) : {};
    const map = new Map(Object.entries(reach) as [Permission, Reach][]);
    return Promise.resolve(new HostAccess(hostId, map, ['team-1']));
  }
}

function principal(id: string, isAdmin = false): Principal {
  return {
    kind: 'token',
    tokenId: `token-${id}`,
    user: { id, username: id, displayName: id, isAdmin },
  };
}

/** A controller with one handler per route the tests call, bound as the real ones are. */
class Probe {
  stop(): void {}
  inspect(): void {}
  policy(): void {}
  listContainers(): void {}
}
const BOUND: Record<keyof Probe, ApiRoute> = {
  stop: ROUTES.stopContainer,
  inspect: ROUTES.inspectContainer,
  policy: ROUTES.getHostPolicy,
  listContainers: ROUTES.listContainers,
};
/** The handlers as Nest sees them, with the metadata `@Route` put on them. */
const HANDLERS = {} as Record<keyof Probe, object>;
for (const [name, route] of Object.entries(BOUND) as [keyof Probe, ApiRoute][]) {
  const descriptor = Object.getOwnPropertyDescriptor(Probe.prototype, name)!;
  Route(route)(Probe.prototype, name, descriptor);
  HANDLERS[name] = descriptor.value as object;
}

function setup(table: Record<string, Record<string, Reach>>) {
  const access = new TableAccess(table);
  const records: AuditEntry[] = [];
  const audit = {
    record: (entry: AuditEntry) => {
      records.push(entry);
      return Promise.resolve();
    },
  } as unknown as AuditLog;
  const log = { error: () => undefined } as unknown as Logger;
  const permission = new RoutePermission(access, audit, log);

  /** Runs the guard as Nest would for `handler`, called by `who` with these path parameters. */
  async function call(
    handler: keyof Probe,
    who: Principal | null,
    params: Record<string, string>,
  ): Promise<{ req: RequestWithGrant; error?: AppError }> {
    const authenticator = {
      authenticate: () => Promise.resolve(who),
    } as unknown as Authenticator;
    const guard = new AuthGuard(new Reflector(), authenticator, permission);
    const req = {
      method: 'GET',
      headers: {},
      params,
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as RequestWithGrant;
    const context = {
      getHandler: () => HANDLERS[handler],
      getClass: () => Probe,
      switchToHttp: () => ({ getRequest: () => req }),
    } as unknown as ExecutionContext;
    try {
      expect(await guard.canActivate(context)).toBe(true);
      return { req };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { req, error };
    }
  }
  return { access, records, call };
}

describe("the route's declared permission", () => {
  it('hides the host from a user with no grant on it (404), and records the refused change', async () => {
    const { call, records } = setup({});
    const { req, error } = await call('stop', principal('nobody'), { hostId: HOST, id: 'web' });
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'host not found' });
    expect(req.hostGrant).toBeUndefined();
    expect(records).toEqual([
      expect.objectContaining({
        action: 'container.stop',
        outcome: 'failure',
        hostId: HOST,
        target: 'web',
        actor: { type: 'token', id: 'nobody', name: 'nobody (token token-nobody)' },
      }),
    ]);
  });

  it('refuses a user whose grant lacks it with 403 naming it, recorded as denied', async () => {
    const { call, records } = setup({ reader: { 'container.inspect': 'all' } });
    const { error } = await call('stop', principal('reader'), { hostId: HOST, id: 'web' });
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'this needs permission container.stop on the host',
      details: { missing: 'container.stop' },
    });
    expect(records).toEqual([
      expect.objectContaining({
        action: 'container.stop',
        outcome: 'denied',
        details: {
          error: 'FORBIDDEN',
          reason: 'this needs permission container.stop on the host',
        },
      }),
    ]);
  });

  it('records nothing for a refused read (a route without an audit action)', async () => {
    const { call, records } = setup({ operator: { 'container.start': 'all' } });
    const { error } = await call('inspect', principal('operator'), { hostId: HOST, id: 'web' });
    expect(error?.code).toBe('FORBIDDEN');
    expect(records).toEqual([]);
  });

  it('lets a holder through with its reach and teams on the request', async () => {
    const { call, records } = setup({ std: { 'container.stop': 'owned' } });
    const { req, error } = await call('stop', principal('std'), { hostId: HOST, id: 'web' });
    expect(error).toBeUndefined();
    expect(req.hostGrant).toEqual({
      hostId: HOST,
      permission: 'container.stop',
      reach: 'owned',
      teamIds: ['team-1'],
    });
    expect(records).toEqual([]);
  });

  it('checks the host the path names, not another the user holds it on', async () => {
    const { call } = setup({ std: { 'host.manage': 'all' } });
    expect((await call('policy', principal('std'), { hostId: HOST })).error).toBeUndefined();
    const elsewhere = await call('policy', principal('std'), { hostId: 'host-2' });
    expect(elsewhere.error?.code).toBe('NOT_FOUND');
  });

  it('lets a global administrator through without asking for grants', async () => {
    const { call, access } = setup({});
    const { req, error } = await call('stop', principal('root', true), { hostId: HOST, id: 'x' });
    expect(error).toBeUndefined();
    expect(req.hostGrant).toMatchObject({ reach: 'all', teamIds: [] });
    expect(access.lookups).toBe(0);
  });

  it('asks nothing on a route without a permission, and authenticates first', async () => {
    const { call, access } = setup({});
    expect((await call('listContainers', principal('nobody'), {})).error).toBeUndefined();
    const anonymous = await call('stop', null, { hostId: HOST, id: 'web' });
    expect(anonymous.error?.code).toBe('UNAUTHENTICATED');
    expect(access.lookups).toBe(0);
  });

  it('cannot be declared on a route that names no host', () => {
    const route = { ...ROUTES.getHost, access: 'user', permission: 'host.manage' } as ApiRoute;
    expect(() => Route(route)).toThrow(/declares a permission but has no \{hostId\}/);
  });
});
