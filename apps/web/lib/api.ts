import { ZErrorBody, type ErrorCode, type FieldIssue } from '@berth/shared';
import { loginPath } from './redirects';

/** Any zod schema; typed structurally so the web app does not depend on zod itself. */
export interface ResponseSchema<T> {
  parse(data: unknown): T;
}

/** Every failed API call is one of these, carrying the server's error code and request id. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string | null;
  readonly issues: readonly FieldIssue[];

  constructor(init: {
    status: number;
    code: ErrorCode;
    message: string;
    requestId: string | null;
    issues?: readonly FieldIssue[];
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.issues = init.issues ?? [];
  }
}

/*
 * The CSRF token lives only in memory: it comes with the login, setup and /me answers and is lost
 * on reload, when the app shell asks /me again.
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions<T> {
  method?: Method;
  body?: unknown;
  schema?: ResponseSchema<T>;
  /** Sign-in forms handle 401 themselves (wrong password) instead of being sent to /login. */
  redirectOnUnauthenticated?: boolean;
}

async function request<T>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });

  if (!response.ok) {
    const error = await toApiError(response);
    followErrorRedirect(error, options.redirectOnUnauthenticated ?? true);
    throw error;
  }
  if (response.status === 204 || !options.schema) return undefined as T;
  try {
    return options.schema.parse(await response.json());
  } catch (cause) {
    // Usually a page loaded before the server was upgraded; the cause names the mismatch.
    throw new ApiError({
      status: response.status,
      code: 'INTERNAL',
      message: 'The server sent an answer this page does not understand. Reload to update it.',
      requestId: response.headers.get('x-request-id'),
      cause,
    });
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const parsed = ZErrorBody.safeParse(await response.json().catch(() => null));
  if (parsed.success) {
    const { code, message, requestId, details } = parsed.data.error;
    const issues = details?.issues;
    return new ApiError({
      status: response.status,
      code,
      message,
      requestId,
      issues: isFieldIssueList(issues) ? issues : [],
    });
  }
  // Not our error format: a proxy in front of Berth or a crash before the error filter ran.
  return new ApiError({
    status: response.status,
    code: response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL',
    message: `The server answered ${response.status} ${response.statusText}`.trim(),
    requestId: response.headers.get('x-request-id'),
  });
}

function followErrorRedirect(error: ApiError, redirectOnUnauthenticated: boolean): void {
  if (typeof window === 'undefined') return;
  const { pathname, search } = window.location;
  if (error.code === 'SETUP_REQUIRED' && pathname !== '/setup') {
    window.location.assign('/setup');
  } else if (error.status === 401 && redirectOnUnauthenticated && pathname !== '/login') {
    // A full load, not a client navigation: it drops the cached data of the ended session.
    window.location.assign(loginPath(pathname + search));
  }
}

function isFieldIssueList(value: unknown): value is FieldIssue[] {
  return (
    Array.isArray(value) &&
    value.every(
      (issue: unknown) =>
        typeof issue === 'object' &&
        issue !== null &&
        'path' in issue &&
        typeof issue.path === 'string' &&
        'message' in issue &&
        typeof issue.message === 'string',
    )
  );
}

type SendOptions<T> = Omit<RequestOptions<T>, 'method'>;

export const api = {
  get: <T>(path: string, schema: ResponseSchema<T>) => request(path, { schema }),
  post: <T = void>(path: string, options: SendOptions<T> = {}) =>
    request(path, { ...options, method: 'POST' }),
  put: <T>(path: string, options: SendOptions<T>) => request(path, { ...options, method: 'PUT' }),
  patch: <T>(path: string, options: SendOptions<T>) =>
    request(path, { ...options, method: 'PATCH' }),
  delete: (path: string) => request<void>(path, { method: 'DELETE' }),
};
