import type { ApiAnswer } from './berth.js';
import { checkAgainstContract } from './contract-check.js';

export interface ApiCallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * One REST call to the server at `baseUrl`; `token` is a bearer token. Every answer of a contract
 * route is checked against the route's schemas, so a test fails when the server and the contract
 * disagree, whatever the test itself looks at.
 */
export async function callApi<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  checkAgainstContract(method, path, {
    status: res.status,
    body,
    contentType: res.headers.get('content-type'),
  });
  return { status: res.status, body: body as T, headers: res.headers };
}
