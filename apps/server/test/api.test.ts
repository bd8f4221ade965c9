import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_ROUTES, type ErrorBody, type TLoginResponse } from '@berth/shared';
import { ADMIN_PASSWORD, TestBerth } from './support/berth.js';

describe('REST API: sign-in, CSRF, tokens, errors and the contract', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await TestBerth.start();
  });
  afterAll(() => berth.stop());

  async function login(password = ADMIN_PASSWORD) {
    const res = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    return {
      status: res.status,
      cookie: cookie.split(';')[0] ?? '',
      setCookie: cookie,
      body: (await res.json()) as TLoginResponse & ErrorBody,
    };
  }

  it('signs in with an httpOnly SameSite cookie and answers the user and a CSRF token', async () => {
    const { status, setCookie, body } = await login();
    expect(status).toBe(200);
    expect(setCookie).toMatch(/^berth_session=bss_[\w-]+;.*HttpOnly.*SameSite=Lax/);
    expect(body.user).toMatchObject({ username: 'admin', isAdmin: true });
    expect(body.csrfToken).toMatch(/^csrf_/);
  });

  it('refuses a wrong password without telling which part was wrong', async () => {
    const wrong = await login('not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'wrong username or password',
    });
    expect(wrong.setCookie).toBe('');
  });

  it('requires the CSRF token on cookie-authenticated changes', async () => {
    const { cookie, body } = await login();
    const without = await berth.api<ErrorBody>('POST', '/api/tokens', {
      body: { name: 'x' },
      headers: { cookie },
    });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('CSRF_FAILED');
    const withToken = await berth.api('POST', '/api/tokens', {
      body: { name: 'x' },
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(withToken.status).toBe(201);
  });

  it('ends the session on sign-out', async () => {
    const { cookie, body } = await login();
    expect((await berth.api('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(200);
    expect(
      (
        await berth.api('POST', '/api/auth/logout', {
          headers: { cookie, 'x-csrf-token': body.csrfToken },
        })
      ).status,
    ).toBe(204);
    expect((await berth.api('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('shows a token once, stores only its hash, and stops accepting it when revoked', async () => {
    const admin = await berth.adminToken();
    const created = await berth.api<{ id: string; token: string }>('POST', '/api/tokens', {
      token: admin,
      body: { name: 'ci', expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    const { id, token } = created.body;
    expect((await berth.api('GET', '/api/auth/me', { token })).status).toBe(200);
    const listed = await berth.api<{ id: string; expiresAt: string | null }[]>(
      'GET',
      '/api/tokens',
      { token: admin },
    );
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.find((t) => t.id === id)?.expiresAt).not.toBeNull();
    expect((await berth.api('DELETE', `/api/tokens/${id}`, { token: admin })).status).toBe(204);
    expect((await berth.api('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('answers every error in one shape with a request id, and keeps a caller-supplied one', async () => {
    const unknown = await berth.api<ErrorBody>('GET', '/api/nope', {
      headers: { 'x-request-id': 'trace-12345678' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such route', requestId: 'trace-12345678' },
    });
    const malformed = await fetch(`${berth.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    const body = (await malformed.json()) as ErrorBody;
    expect(malformed.status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js|SyntaxError/);
  });

  it('names each invalid field', async () => {
    const token = await berth.adminToken();
    const res = await berth.api<ErrorBody>('POST', '/api/tokens', {
      token,
      body: { name: '', expiresInDays: 0 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues?.map((i) => i.path).sort()).toEqual([
      'expiresInDays',
      'name',
    ]);
  });

  it('serves every route of the contract, guarded as the contract says', async () => {
    for (const route of API_ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, 'unknown-id');
      const res = await berth.api<ErrorBody>(
        route.method.toUpperCase(),
        path,
        route.body ? { body: {} } : {},
      );
      if (route.access === 'public') {
        // A public route that names something (a webhook's token) does not know `unknown-id`;
        // an unserved path would say "no such route".
        const known = route.path.includes('{') ? [200, 201, 400, 404, 409] : [200, 201, 400, 409];
        expect({
          route: route.path,
          status: res.status,
          known: known.includes(res.status),
        }).toEqual({ route: route.path, status: res.status, known: true });
        expect(res.body?.error?.message ?? '').not.toBe('no such route');
      } else
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
    }
    const openapi = await berth.api<{ paths: Record<string, unknown> }>('GET', '/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual([...new Set(API_ROUTES.map((r) => r.path))]);
    expect((await fetch(`${berth.url}/api/docs`)).headers.get('content-type')).toContain(
      'text/html',
    );
    expect((await fetch(`${berth.url}/api/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('first-run setup', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await TestBerth.start({ BERTH_ADMIN_PASSWORD: '' });
  });
  afterAll(() => berth.stop());

  it('asks for the first administrator once, signs them in, and refuses a second setup', async () => {
    expect((await berth.api('GET', '/api/auth/setup')).body).toEqual({ needsSetup: true });
    const short = await berth.api<ErrorBody>('POST', '/api/auth/setup', {
      body: { username: 'root', password: 'short' },
    });
    expect(short.body.error.details?.issues?.[0]?.path).toBe('password');
    const first = await berth.api<TLoginResponse>('POST', '/api/auth/setup', {
      body: { username: 'root', password: 'a-long-enough-password' },
    });
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ username: 'root', isAdmin: true });
    expect(first.headers.get('set-cookie')).toMatch(/^berth_session=/);
    const second = await berth.api<ErrorBody>('POST', '/api/auth/setup', {
      body: { username: 'other', password: 'a-long-enough-password' },
    });
    expect(second.status).toBe(409);
    expect((await berth.api('GET', '/api/auth/setup')).body).toEqual({ needsSetup: false });
  });
});
