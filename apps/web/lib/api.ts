import { ZErrorBody, type ApiRoute, type ErrorCode, type FieldIssue } from '@berth/shared';
import { loginPath } from './redirects';

/** Any zod schema; typed structurally so the web app does not depend on zod itself. */
interface ResponseSchema<T> {
  parse(data: unknown): T;
}

/** Every failed API call is one of these, carrying the server's error code and request id. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string | null;
  readonly issues: readonly FieldIssue[];
  /** What else the error body's `details` said (e.g. the existing host of a conflict). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    code: ErrorCode;
    message: string;
    requestId: string | null;
    issues?: readonly FieldIssue[];
    details?: Readonly<Record<string, unknown>>;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.issues = init.issues ?? [];
    this.details = init.details ?? {};
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
  /** The answer is a file (a route that `produces` a download): it comes back as a Blob. */
  download?: boolean;
  /** Sign-in forms handle 401 themselves (wrong password) instead of being sent to /login. */
  redirectOnUnauthenticated?: boolean;
}

async function request<T>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: options.download ? '*/*' : 'application/json' };
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
  if (options.download) return (await response.blob()) as T;
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
      details: details ?? {},
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

/** Where this page has been sent (sign-in or setup), once it has been. */
let leavingFor: string | null = null;

function followErrorRedirect(error: ApiError, redirectOnUnauthenticated: boolean): void {
  if (typeof window === 'undefined') return;
  const { pathname, search } = window.location;
  if (error.code === 'SETUP_REQUIRED' && pathname !== '/setup') {
    leave('/setup');
  } else if (error.status === 401 && redirectOnUnauthenticated && pathname !== '/login') {
    // A full load, not a client navigation: it drops the cached data of the ended session.
    leave(loginPath(pathname + search));
  }
}

/**
 * Navigates once per page. Calls made together fail together (the shell asks /me and the
 * capabilities at once): a second `location.assign` restarts the navigation the first began, and
 * when it comes while the first is committing, Chromium drops both and the page stays put.
 */
function leave(path: string): void {
  if (leavingFor !== null) return;
  leavingFor = path;
  window.location.assign(path);
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

/* ----------------------------------------------------------- calls by route name ---- */

/** The names in a path's `{braces}`: `/api/hosts/{hostId}/containers/{id}` gives `hostId | id`. */
type PathParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never;

/** What a zod schema takes and gives, read structurally (`z.input` / `z.output`). */
type SchemaInput<S> = S extends { _zod: { input: infer I } } ? I : never;
type SchemaOutput<S> = S extends { _zod: { output: infer O } } ? O : never;

// A route whose path is not known literally (code over any route) may pass any parameters.
type ParamsOption<R extends ApiRoute> = `/api/${string}` extends R['path']
  ? { params?: Record<string, string> }
  : [PathParamNames<R['path']>] extends [never]
    ? { params?: never }
    : { params: Record<PathParamNames<R['path']>, string> };
type QueryOption<R> = R extends { query: infer Q } ? { query?: SchemaInput<Q> } : { query?: never };
type BodyOption<R> = R extends { body: infer B } ? { body: SchemaInput<B> } : { body?: never };

/** The query parameters a route takes, as its query schema reads them. */
export type RouteQuery<R extends ApiRoute> = R extends { query: infer Q } ? SchemaInput<Q> : never;

/** The path parameters, query and body a route takes; a missing parameter or body fails to compile. */
export type RouteInput<R extends ApiRoute> = ParamsOption<R> & QueryOption<R> & BodyOption<R>;

export type RouteCallOptions<R extends ApiRoute> = RouteInput<R> & {
  /** Sign-in forms handle 401 themselves (wrong password) instead of being sent to /login. */
  redirectOnUnauthenticated?: boolean;
};

/** A download's file, a JSON answer as the route's `response` schema gives it, or nothing (204). */
export type RouteResult<R extends ApiRoute> = R extends { produces: readonly string[] }
  ? Blob
  : R extends { response: infer S }
    ? SchemaOutput<S>
    : void;

/** The options argument may be left out when a route needs none of them. */
type OptionsArgument<T> = object extends T ? [options?: T] : [options: T];

/** The headers a changing call carries (the CSRF token), for calls sent without `callRoute` (uploads). */
export function changeHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** A failed answer as the ApiError every call throws, sign-in and setup redirects followed. */
export async function failedAnswer(response: Response): Promise<ApiError> {
  const error = await toApiError(response);
  followErrorRedirect(error, true);
  return error;
}

/**
 * Calls a route of the contract (`ROUTES`): its method and path come from the route, `{params}`
 * are filled in URL-encoded, the query is serialised and the answer parsed with the route's
 * `response` schema. Failures throw ApiError as every call here does.
 */
export function callRoute<R extends ApiRoute>(
  route: R,
  ...[options]: OptionsArgument<RouteCallOptions<R>>
): Promise<RouteResult<R>> {
  const call = (options ?? {}) as {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    redirectOnUnauthenticated?: boolean;
  };
  return request<RouteResult<R>>(urlOf(route, call.params, call.query), {
    method: route.method.toUpperCase() as Method,
    body: call.body,
    schema: route.response as ResponseSchema<RouteResult<R>> | undefined,
    download: route.produces !== undefined,
    redirectOnUnauthenticated: call.redirectOnUnauthenticated,
  });
}

/**
 * A route's URL with its parameters and query, for calls and for links the browser follows itself
 * (a download served with `Content-Disposition`).
 */
export function routeUrl<R extends ApiRoute>(
  route: R,
  ...[input]: OptionsArgument<Omit<RouteInput<R>, 'body'>>
): string {
  const { params, query } = (input ?? {}) as {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
  };
  return urlOf(route, params, query);
}

function urlOf(
  route: ApiRoute,
  params: Record<string, string> = {},
  query: Record<string, unknown> = {},
): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.path} needs the parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = queryString(query);
  return search ? `${path}?${search}` : path;
}

/** Query values as the API's query schemas read them; unset and empty values are left out. */
function queryString(query: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    search.set(key, values.map(queryValue).join(','));
  }
  return search.toString();
}

function queryValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`a query value must be a string, number or boolean, not ${typeof value}`);
}
