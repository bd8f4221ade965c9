import { API_ROUTES, type ApiRoute, ZErrorBody } from '@berth/shared';
import type { z } from 'zod';

/** A contract path as a pattern: `/api/teams/{id}` matches `/api/teams/abc`. */
const MATCHERS = API_ROUTES.map((route) => ({
  route,
  params: (route.path.match(/\{\w+\}/g) ?? []).length,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}))
  // A literal segment wins over a parameter: POST /api/hosts/test is not POST /api/hosts/{id}.
  .sort((a, b) => a.params - b.params);

/**
 * Successes known to differ from the contract until the server is fixed; each says why. Their
 * errors are still checked. Remove an entry with its fix.
 */
const KNOWN_MISMATCHES = new Map<ApiRoute, string>();

/** The contract route a call was for; none for the Engine API gateway or paths the API lacks. */
export function routeOf(method: string, url: string): ApiRoute | undefined {
  const path = url.split('?')[0]!;
  if (/^\/api\/hosts\/[^/]+\/docker(\/|$)/.test(path)) return undefined;
  const lower = method.toLowerCase();
  return MATCHERS.find((m) => m.route.method === lower && m.pattern.test(path))?.route;
}

/**
 * Checks one answer of the REST API against the contract: a success has the route's status and
 * parses with its response schema, an error parses as ZErrorBody. Throws, so the test that made
 * the call fails with what differs.
 */
export function checkAgainstContract(
  method: string,
  url: string,
  answer: { status: number; body: unknown; contentType: string | null },
): void {
  const route = routeOf(method, url);
  if (!route || (answer.status < 300 && KNOWN_MISMATCHES.has(route))) return;
  const problem = problemOf(route, answer);
  if (problem) {
    throw new Error(
      `${method} ${url} answered ${answer.status} against the contract of ${route.method.toUpperCase()} ${route.path}: ${problem}; body: ${JSON.stringify(answer.body)?.slice(0, 300)}`,
    );
  }
}

function problemOf(
  route: ApiRoute,
  answer: { status: number; body: unknown; contentType: string | null },
): string | undefined {
  if (answer.status >= 300) return schemaProblem(ZErrorBody, answer.body);
  const expected = route.status ?? 200;
  if (answer.status !== expected) return `the contract says ${expected}`;
  if (route.produces) {
    const type = answer.contentType?.split(';')[0] ?? '';
    return route.produces.includes(type) ? undefined : `content type ${type} is not produced`;
  }
  if (!route.response) {
    return answer.body === null ? undefined : 'a body where the contract has none';
  }
  return schemaProblem(route.response, answer.body);
}

function schemaProblem(schema: z.ZodType, body: unknown): string | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
