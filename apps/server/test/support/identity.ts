import type { TLoginResponse, TUserAccount } from '@berth/shared';
import { TOTP } from 'otpauth';
import type { ApiAnswer, TestBerth } from './berth.js';
import { type ApiCallOptions, callApi } from './call-api.js';

/** Anything that calls the REST API as TestBerth.api does (a TestBerth, or a server started apart). */
export type ApiClient = Pick<TestBerth, 'api'>;

/** An ApiClient for a server at `url`, such as one spawned from the build. */
export function apiAt(url: string): ApiClient {
  return {
    api: <T = unknown>(method: string, path: string, options?: ApiCallOptions) =>
      callApi<T>(url, method, path, options),
  };
}

/** A signed-in browser: its session cookie and CSRF token, sent the way the dashboard sends them. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  headers: Record<string, string>;
}

export const USER_PASSWORD = 'a-user-password-1';

/** Signs in with a password (and a TOTP code); answers the raw response and, on 200, the session. */
export async function signIn(
  berth: ApiClient,
  username: string,
  password: string,
  options: { totp?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer & { session?: BrowserSession }> {
  const answer = await berth.api<TLoginResponse>('POST', '/api/auth/login', {
    body: { username, password, ...(options.totp ? { totp: options.totp } : {}) },
    ...(options.headers ? { headers: options.headers } : {}),
  });
  if (answer.status !== 200) return answer;
  const cookie = answer.headers.get('set-cookie')?.split(';')[0] ?? '';
  const { csrfToken } = answer.body;
  return {
    ...answer,
    session: { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } },
  };
}

/** Creates a user through the API as the administrator. */
export async function createUser(
  berth: ApiClient,
  adminToken: string,
  username: string,
  extra: { isAdmin?: boolean; password?: string } = {},
): Promise<TUserAccount> {
  const res = await berth.api<TUserAccount>('POST', '/api/users', {
    token: adminToken,
    body: { username, password: extra.password ?? USER_PASSWORD, isAdmin: extra.isAdmin ?? false },
  });
  if (res.status !== 201)
    throw new Error(`creating ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An API token for a signed-in session. */
export async function tokenFor(
  berth: ApiClient,
  session: BrowserSession,
  name = 'test',
): Promise<string> {
  const res = await berth.api<{ token: string }>('POST', '/api/tokens', {
    headers: session.headers,
    body: { name },
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** The code an authenticator app shows for `secret`, `offsetSteps` periods from now. */
export function totpCode(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** Waits until at least `margin` ms remain in the current 30 s step, so codes stay valid for a test. */
export async function awayFromStepEdge(margin = 12_000): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

let counter = 0;
/** A name no other test uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
