import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  type ErrorBody,
  type TApiToken,
  type TAuditPage,
  type TCreateTokenResponse,
  type TEndedSessions,
  type TSession,
  type TTotpEnableResponse,
  type TTotpSetupResponse,
} from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';
import {
  awayFromStepEdge,
  type BrowserSession,
  createUser,
  signIn,
  totpCode,
  unique,
  USER_PASSWORD,
} from './support/identity.js';

// The two-factor test may wait up to 12 s for a fresh 30 s time step.
jest.setTimeout(60_000);

let berth: TestBerth;
let admin: string;
let hostId: string;

beforeAll(async () => {
  berth = await TestBerth.start();
  admin = await berth.adminToken();
  hostId = (await berth.addHost(admin, { name: 'a', url: fleet().a })).id;
});
afterAll(() => berth.stop());

async function session(username: string, password = USER_PASSWORD): Promise<BrowserSession> {
  const answer = await signIn(berth, username, password);
  if (!answer.session) throw new Error(`sign-in of ${username}: ${answer.status}`);
  return answer.session;
}

const me = (s: BrowserSession) => berth.api('GET', '/api/auth/me', { headers: s.headers });

const issues = (res: { body: unknown }) => (res.body as ErrorBody).error.details?.issues ?? [];

async function audited(action: string) {
  const res = await berth.api<TAuditPage>('GET', `/api/audit?action=${action}&limit=20`, {
    token: admin,
  });
  return res.body.items;
}

describe('your own account', () => {
  it('changes the password with the current one and signs out every other session', async () => {
    const name = unique('pw');
    await createUser(berth, admin, name);
    const here = await session(name);
    const elsewhere = await session(name);
    const newPassword = 'a-brand-new-password-2';

    const wrong = await berth.api('POST', '/api/auth/password', {
      headers: here.headers,
      body: { currentPassword: 'not-my-password', newPassword },
    });
    expect(wrong.status).toBe(400);
    expect(issues(wrong)).toEqual([{ path: 'currentPassword', message: 'wrong password' }]);
    const short = await berth.api('POST', '/api/auth/password', {
      headers: here.headers,
      body: { currentPassword: USER_PASSWORD, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(issues(short).map((i) => i.path)).toEqual(['newPassword']);
    // Neither refusal changed anything.
    expect((await me(elsewhere)).status).toBe(200);

    const changed = await berth.api('POST', '/api/auth/password', {
      headers: here.headers,
      body: { currentPassword: USER_PASSWORD, newPassword },
    });
    expect(changed.status).toBe(204);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(401);
    expect((await signIn(berth, name, newPassword)).status).toBe(200);

    const [record] = await audited('auth.password_change');
    expect(record).toMatchObject({ target: name, outcome: 'success' });
    expect(record?.details).toEqual({ endedSessions: 1 });
    expect(JSON.stringify(await audited('auth.*'))).not.toContain(newPassword);
  });

  it('lists your sessions, ends one, then all the others', async () => {
    const name = unique('sessions');
    await createUser(berth, admin, name);
    const here = await session(name);
    const second = await session(name);
    const third = await session(name);

    const listed = await berth.api<TSession[]>('GET', '/api/auth/sessions', {
      headers: here.headers,
    });
    expect(listed.body).toHaveLength(3);
    expect(listed.body.filter((s) => s.current)).toHaveLength(1);
    const secondId = (
      await berth.api<TSession[]>('GET', '/api/auth/sessions', { headers: second.headers })
    ).body.find((s) => s.current)?.id;

    const ended = await berth.api('DELETE', `/api/auth/sessions/${secondId}`, {
      headers: here.headers,
    });
    expect(ended.status).toBe(204);
    expect((await me(second)).status).toBe(401);
    expect((await me(third)).status).toBe(200);

    const others = await berth.api<TEndedSessions>('DELETE', '/api/auth/sessions', {
      headers: here.headers,
    });
    expect(others.status).toBe(200);
    expect(others.body).toEqual({ ended: 1 });
    expect((await me(third)).status).toBe(401);
    expect((await me(here)).status).toBe(200);
    // Without the CSRF token a cookie cannot end sessions.
    const forged = await berth.api('DELETE', '/api/auth/sessions', {
      headers: { cookie: here.cookie },
    });
    expect(forged.status).toBe(403);
  });

  it('creates a token with an expiry that works on the gateway until it is revoked', async () => {
    const name = unique('tokens');
    await createUser(berth, admin, name, { isAdmin: true });
    const here = await session(name);
    const created = await berth.api<TCreateTokenResponse>('POST', '/api/tokens', {
      headers: here.headers,
      body: { name: 'laptop docker CLI', expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    const listed = await berth.api<TApiToken[]>('GET', '/api/tokens', { headers: here.headers });
    const row = listed.body.find((t) => t.id === created.body.id);
    expect(row?.name).toBe('laptop docker CLI');
    const days = (Date.parse(row?.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

    const ping = () =>
      fetch(`${berth.url}/api/hosts/${hostId}/docker/_ping`, {
        headers: { authorization: `Bearer ${created.body.token}` },
      });
    expect((await ping()).status).toBe(200);
    const revoked = await berth.api('DELETE', `/api/tokens/${created.body.id}`, {
      headers: here.headers,
    });
    expect(revoked.status).toBe(204);
    expect((await ping()).status).toBe(401);
  });

  it('turns two-factor sign-in on with recovery codes that work once, and off with the password', async () => {
    const name = unique('2fa');
    await createUser(berth, admin, name);
    const here = await session(name);
    await awayFromStepEdge();
    const { secret } = (
      await berth.api<TTotpSetupResponse>('POST', '/api/auth/totp/setup', { headers: here.headers })
    ).body;
    const enabled = await berth.api<TTotpEnableResponse>('POST', '/api/auth/totp/enable', {
      headers: here.headers,
      body: { code: totpCode(secret) },
    });
    expect(enabled.status).toBe(200);
    const codes = enabled.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);

    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(401);
    // A recovery code stands in for the app's code, once; typed in capitals it still counts.
    const first = codes[0] ?? '';
    expect((await signIn(berth, name, USER_PASSWORD, { totp: first.toUpperCase() })).status).toBe(
      200,
    );
    expect((await signIn(berth, name, USER_PASSWORD, { totp: first })).status).toBe(401);
    expect((await signIn(berth, name, USER_PASSWORD, { totp: codes[1] })).status).toBe(200);
    const [login] = await audited('auth.login');
    expect(login?.details).toEqual({ twoFactor: true, recoveryCode: true });
    expect(JSON.stringify(await audited('auth.*'))).not.toContain(codes[1]);

    const wrong = await berth.api('POST', '/api/auth/totp/disable', {
      headers: here.headers,
      body: { password: 'not-my-password' },
    });
    expect(wrong.status).toBe(400);
    expect(issues(wrong)).toEqual([{ path: 'password', message: 'wrong password' }]);
    const empty = await berth.api('POST', '/api/auth/totp/disable', {
      headers: here.headers,
      body: {},
    });
    expect(empty.status).toBe(400);
    expect(issues(empty).map((i) => i.path)).toEqual(['password']);
    const off = await berth.api('POST', '/api/auth/totp/disable', {
      headers: here.headers,
      body: { password: USER_PASSWORD },
    });
    expect(off.status).toBe(204);
    expect((await signIn(berth, name, USER_PASSWORD)).status).toBe(200);
  });
});
