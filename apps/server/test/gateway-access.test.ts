import { randomBytes } from 'node:crypto';
import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody, TCreateTokenResponse, TLoginResponse } from '@berth/shared';
import { AuditLog } from '../src/audit/audit-log.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { ADMIN_PASSWORD, TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';

/**
 * What the gateway refuses and why, how engine errors come through, and what it records. Requests
 * that must reach the server byte for byte (`..`, `//`, `%2F`) are sent with node:http, which,
 * unlike fetch, does not normalise the path.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL_VALUE = `gateway-access-${RUN}`;
const LABEL = `berth.test=${LABEL_VALUE}`;

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let berth: TestBerth;
let token: string;
let hostId: string;
let gw: CliTarget;
const own: CliTarget = { host: fleetHost('a').direct };

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  gw = { host: gatewayHost(berth.url, hostId), token };
});

afterAll(async () => {
  const labelled = (await docker(own, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout;
  const ids = labelled.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(own, ['rm', '-f', ...ids]);
  await berth?.stop();
});

/** One request with the path exactly as given. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { hostname, port } = new URL(berth.url);
    const req = request({
      hostname,
      port,
      path,
      method,
      headers: payload ? { ...headers, 'content-type': 'application/json' } : headers,
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer`)));
    const answer = (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    };
    req.on('response', answer);
    // A refused upgrade arrives as a plain response; an accepted one is not expected here.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: null });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const docker141 = (path: string) => `/api/hosts/${hostId}/docker/v1.41${path}`;
const errorCode = (answer: RawAnswer) => (answer.body as ErrorBody).error?.code;

describe('paths that could reach another engine route are refused', () => {
  it.each([
    ['a dot-dot segment', '/containers/../images/json'],
    ['an encoded dot-dot segment', '/containers/%2e%2e/images/json'],
    ['a dot segment', '/./containers/json'],
    ['an encoded slash', '/containers/x%2F..%2Fimages/json'],
    ['an encoded backslash', '/containers/x%5cjson'],
    ['a double slash', '//containers/json'],
    ['an encoded NUL', '/containers/x%00/json'],
  ])('%s: 400 PATH_REJECTED', async (_what, path) => {
    const answer = await raw('GET', docker141(path), bearer(token));
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('PATH_REJECTED');
  });

  it('the same paths written plainly do reach the engine', async () => {
    expect((await raw('GET', docker141('/containers/json'), bearer(token))).status).toBe(200);
    expect((await raw('GET', docker141('/images/json'), bearer(token))).status).toBe(200);
  });

  it('an unknown host id is 404, a malformed one 400', async () => {
    const unknown = await raw(
      'GET',
      '/api/hosts/cm0000000000000000000000/docker/_ping',
      bearer(token),
    );
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const malformed = await raw('GET', '/api/hosts/a.b/docker/_ping', bearer(token));
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe('PATH_REJECTED');
  });
});

describe('credentials', () => {
  async function newToken(name: string, expiresInDays?: number): Promise<TCreateTokenResponse> {
    const res = await berth.api<TCreateTokenResponse>('POST', '/api/tokens', {
      token,
      body: { name, ...(expiresInDays ? { expiresInDays } : {}) },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('no token and a wrong token are 401', async () => {
    for (const headers of [{}, bearer('berth_wrong'), { authorization: 'Basic YWRtaW46eA==' }]) {
      const answer = await raw('GET', docker141('/containers/json'), headers);
      expect(answer.status).toBe(401);
      expect(errorCode(answer)).toBe('UNAUTHENTICATED');
    }
    const cli = await docker({ host: gw.host, token: 'berth_wrong' }, ['ps']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('sign in or send an API token');
  });

  it('an expired token is 401', async () => {
    const { id, token: expiring } = await newToken(`expiring-${RUN}`, 1);
    // The clock is the outside world here: move the expiry into the past rather than wait a day.
    await berth.server.app
      .get(PrismaService)
      .db.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const answer = await raw('GET', docker141('/containers/json'), bearer(expiring));
    expect(answer.status).toBe(401);
  });

  it('a revoked token is 401 at once, though it was just used (and cached)', async () => {
    const { id, token: revoked } = await newToken(`revoked-${RUN}`);
    expect((await raw('GET', docker141('/containers/json'), bearer(revoked))).status).toBe(200);
    expect((await berth.api('DELETE', `/api/tokens/${id}`, { token })).status).toBe(204);
    const answer = await raw('GET', docker141('/containers/json'), bearer(revoked));
    expect(answer.status).toBe(401);
    expect(errorCode(answer)).toBe('UNAUTHENTICATED');
  });

  it('a cookie session may read, but changes need its X-CSRF-Token', async () => {
    const login = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as TLoginResponse;
    expect((await raw('GET', docker141('/containers/json'), { cookie })).status).toBe(200);

    const name = `csrf-${RUN}`;
    const create = docker141(`/containers/create?name=${name}`);
    const spec = { Image: fleet().image, Cmd: ['true'], Labels: { 'berth.test': LABEL_VALUE } };
    const refused = await raw('POST', create, { cookie }, spec);
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('CSRF_FAILED');
    const wrong = await raw('POST', create, { cookie, 'x-csrf-token': 'wrong' }, spec);
    expect(errorCode(wrong)).toBe('CSRF_FAILED');
    expect((await docker(own, ['inspect', name])).code).toBe(1); // nothing reached the engine

    // An upgrade (attach) is a change too.
    const upgrade = { cookie, connection: 'Upgrade', upgrade: 'tcp' };
    const attach = await raw('POST', docker141(`/containers/${name}/attach?stream=1`), upgrade);
    expect(attach.status).toBe(403);

    const created = await raw('POST', create, { cookie, 'x-csrf-token': csrfToken }, spec);
    expect(created.status).toBe(201);
    expect(await dockerOk(own, ['inspect', '-f', '{{.Name}}', name])).toBe(`/${name}`);
  });
});

describe('engine errors pass through with the engine status and message', () => {
  it('a missing container is the engine 404 and its message', async () => {
    const name = `missing-${RUN}`;
    const answer = await raw('GET', docker141(`/containers/${name}/json`), bearer(token));
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toEqual({ message: `No such container: ${name}` });
    const cli = await docker(gw, ['rm', name]);
    expect(cli).toMatchObject({ code: 1, stderr: `Error: No such container: ${name}\n` });
  });

  it('a conflict is the engine 409; a refused upgrade (attach) passes through too', async () => {
    const running = `running-${RUN}`;
    await dockerOk(own, [
      'run',
      '-d',
      '--name',
      running,
      '--label',
      LABEL,
      fleet().image,
      'sleep',
      '300',
    ]);
    const rm = await docker(gw, ['rm', running]);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain('You cannot remove a running container');

    const missing = `missing-${RUN}`;
    const upgrade = { ...bearer(token), connection: 'Upgrade', upgrade: 'tcp' };
    const attach = await raw('POST', docker141(`/containers/${missing}/attach?stream=1`), upgrade);
    // The engine answers a refused hijack in plain text (CRLF-terminated); the gateway passes it on.
    expect(attach).toMatchObject({
      status: 404,
      headers: { 'content-type': 'application/vnd.docker.raw-stream' },
      body: `No such container: ${missing}\r\n`,
    });
  });
});

describe('audit', () => {
  it('records mutating engine calls with host, method, path, status and actor; not reads', async () => {
    const me = await berth.api<TLoginResponse>('GET', '/api/auth/me', { token });
    const { id: tokenId, token: auditToken } = (
      await berth.api<TCreateTokenResponse>('POST', '/api/tokens', {
        token,
        body: { name: `audit-${RUN}` },
      })
    ).body;
    const target: CliTarget = { host: gw.host, token: auditToken };
    const name = `audited-${RUN}`;
    const id = await dockerOk(target, [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      LABEL,
      fleet().image,
      'sleep',
      '300',
    ]);
    await dockerOk(target, ['ps']);
    const refused = await docker(target, ['rm', name]);
    expect(refused.code).toBe(1);

    const rows = await berth.server.app.get(PrismaService).db.auditEvent.findMany({
      where: { action: 'engine.call', actorName: { contains: tokenId } },
      orderBy: { id: 'asc' },
    });
    const actor = {
      actorType: 'token',
      actorId: me.body.user.id,
      actorName: `admin (token ${tokenId})`,
    };
    const common = { ...actor, hostId, ip: '127.0.0.1', requestId: expect.any(String) };
    const byCall = new Map(
      rows.map((row) => {
        const details = JSON.parse(row.details ?? '{}') as { method: string; path: string };
        return [`${details.method} ${details.path}`, { ...row, details }];
      }),
    );
    // Reads (HEAD /_ping, GET /containers/json) are not recorded; run -d also opens a wait.
    expect([...byCall.keys()].sort()).toEqual(
      [
        'POST /containers/create',
        `POST /containers/${id}/wait`,
        `POST /containers/${id}/start`,
        `DELETE /containers/${name}`,
      ].sort(),
    );
    expect(byCall.get('POST /containers/create')).toMatchObject({
      ...common,
      outcome: 'success',
      status: 201,
      target: name,
      userAgent: expect.stringContaining('Docker-Client/20.10'),
      details: { permission: 'container.create' },
    });
    expect(byCall.get(`POST /containers/${id}/start`)).toMatchObject({
      ...common,
      outcome: 'success',
      status: 204,
      target: id,
      details: { permission: 'container.start' },
    });
    expect(byCall.get(`DELETE /containers/${name}`)).toMatchObject({
      ...common,
      outcome: 'failure',
      status: 409,
      target: name,
      details: { permission: 'container.delete' },
    });
    // Every row is linked into the hash chain.
    expect(await berth.server.app.get(AuditLog).verify()).toMatchObject({ ok: true });
  });
});
