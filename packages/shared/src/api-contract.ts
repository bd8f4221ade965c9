import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import {
  ZBulkContainerRequest,
  ZBulkContainerResponse,
  ZContainerChange,
  ZContainerInspect,
  ZContainerListQuery,
  ZContainerListResponse,
  ZContainerLogsQuery,
  ZContainerTop,
  ZCreateContainerRequest,
  ZCreateContainerResponse,
  ZFleetSummary,
  ZKillQuery,
  ZRecreateContainerRequest,
  ZRecreateContainerResponse,
  ZRemoveQuery,
  ZRenameContainerRequest,
  ZStopQuery,
  ZUpdateContainerRequest,
  ZUpdateContainerResponse,
} from './schemas/containers.js';
import { IDENTITY_ROUTES } from './identity-routes.js';
import { NETWORK_ROUTES } from './network-routes.js';
import { VOLUME_ROUTES } from './volume-routes.js';
import { REGISTRY_ROUTES } from './registry-routes.js';
import { IMAGE_ROUTES } from './image-routes.js';
import { STACK_ROUTES } from './stack-routes.js';
import { STACK_GIT_ROUTES } from './stack-git-routes.js';
import { STACK_ADOPTION_ROUTES } from './stack-adoption-routes.js';
import { CONTAINER_WEBHOOK_ROUTES, STACK_WEBHOOK_ROUTES } from './stack-webhook-routes.js';
import { INVENTORY_ROUTES } from './inventory-routes.js';
import { PLUGIN_ROUTES } from './plugin-routes.js';
import { UPDATE_ROUTES } from './update-routes.js';
import { SWARM_STACK_ROUTES } from './swarm-stack-routes.js';
import { SWARM_ROUTES } from './swarm-routes.js';
import type { Permission } from './permissions.js';
import type { AuditAction } from './audit.js';
import {
  ZApiToken,
  ZCreateTokenRequest,
  ZCreateTokenResponse,
  ZLoginRequest,
  ZLoginResponse,
  ZMeResponse,
  ZSetupRequest,
  ZSetupStatus,
} from './schemas/auth.js';
import { ZCapabilities } from './schemas/capabilities.js';
import { ZHealth } from './schemas/health.js';
import { ZCreateHostRequest, ZHost, ZHostTestResult, ZUpdateHostRequest } from './schemas/hosts.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One REST route of the API: what it takes and answers. The OpenAPI document is made from these. */
export interface ApiRoute {
  method: HttpMethod;
  /** Typed as a template so each route keeps its literal path: clients derive its `{params}` from it. */
  path: `/api/${string}`;
  tag: string;
  summary: string;
  /** `public`: no sign-in; `user`: any signed-in user; `admin`: global administrators. */
  access: 'public' | 'user' | 'admin';
  /**
   * The catalog permission a host-scoped route needs on its host (path parameter `hostId`), where
   * one permission applies. The server checks it before the handler runs: 404 when the caller has
   * no grant on the host at all, 403 naming the permission otherwise.
   */
  permission?: Permission;
  /** For routes without `hostId` in their path: the stored object whose host the permission is checked on. */
  hostFrom?: 'stack';
  /** The audit action a change through this route is recorded under; a refusal is recorded so too. */
  audit?: AuditAction;
  body?: z.ZodType;
  /** Query parameters, each a property of this object. */
  query?: z.ZodObject;
  response?: z.ZodType;
  /** Content types of a response that is not JSON (a download). */
  produces?: readonly string[];
  status?: number;
}

export const ZErrorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** A lifecycle action without options (start, pause, unpause). */
function lifecycleRoute(action: 'start' | 'pause' | 'unpause', permission: Permission) {
  return {
    method: 'post',
    path: `/api/hosts/{hostId}/containers/{id}/${action}`,
    tag: 'containers',
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a container`,
    access: 'user',
    permission,
    audit: `container.${action}`,
    status: 204,
  } as const satisfies ApiRoute;
}

/** A lifecycle action that stops the container first (stop, restart): `t` seconds before the kill. */
function stopRoute(action: 'stop' | 'restart', permission: Permission) {
  return {
    method: 'post',
    path: `/api/hosts/{hostId}/containers/{id}/${action}`,
    tag: 'containers',
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a container; t: seconds before it is killed`,
    access: 'user',
    permission,
    audit: `container.${action}`,
    query: ZStopQuery,
    status: 204,
  } as const satisfies ApiRoute;
}

/** Containers across the fleet and on one host; each route checks its catalog permission per host. */
const CONTAINER_ROUTES = {
  listContainers: {
    method: 'get',
    path: '/api/containers',
    tag: 'containers',
    summary: 'Containers of every host you may list, filtered, sorted and paged (from memory)',
    access: 'user',
    query: ZContainerListQuery,
    response: ZContainerListResponse,
  },
  bulkContainers: {
    method: 'post',
    path: '/api/containers/bulk',
    tag: 'containers',
    summary: 'One lifecycle action on many containers; a result per container',
    access: 'user',
    body: ZBulkContainerRequest,
    response: ZBulkContainerResponse,
    status: 200,
  },
  fleetSummary: {
    method: 'get',
    path: '/api/fleet/summary',
    tag: 'containers',
    summary:
      'Hosts up and down, containers by state, images, volumes and networks, per host and in all',
    access: 'user',
    response: ZFleetSummary,
  },
  createContainer: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers',
    permission: 'container.create',
    audit: 'container.create',
    tag: 'containers',
    summary:
      'Create (and start) a container; pulls the image when missing (progress over socket.io)',
    access: 'user',
    body: ZCreateContainerRequest,
    response: ZCreateContainerResponse,
    status: 201,
  },
  inspectContainer: {
    method: 'get',
    path: '/api/hosts/{hostId}/containers/{id}/json',
    permission: 'container.inspect',
    tag: 'containers',
    summary: 'Inspect a container; secret environment values are masked',
    access: 'user',
    response: ZContainerInspect,
  },
  containerTop: {
    method: 'get',
    path: '/api/hosts/{hostId}/containers/{id}/top',
    permission: 'container.inspect',
    tag: 'containers',
    summary: 'Processes running in a container',
    access: 'user',
    response: ZContainerTop,
  },
  containerChanges: {
    method: 'get',
    path: '/api/hosts/{hostId}/containers/{id}/changes',
    permission: 'container.inspect',
    tag: 'containers',
    summary: "Changes to a container's filesystem",
    access: 'user',
    response: z.array(ZContainerChange),
  },
  downloadContainerLogs: {
    method: 'get',
    path: '/api/hosts/{hostId}/containers/{id}/logs',
    permission: 'container.logs',
    tag: 'containers',
    summary:
      "Download a container's logs as text: the whole range asked for, stdout and stderr demultiplexed",
    access: 'user',
    query: ZContainerLogsQuery,
    produces: ['text/plain'],
  },
  startContainer: lifecycleRoute('start', 'container.start'),
  pauseContainer: lifecycleRoute('pause', 'container.stop'),
  unpauseContainer: lifecycleRoute('unpause', 'container.start'),
  stopContainer: stopRoute('stop', 'container.stop'),
  restartContainer: stopRoute('restart', 'container.start'),
  killContainer: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/{id}/kill',
    permission: 'container.stop',
    audit: 'container.kill',
    tag: 'containers',
    summary: 'Send a signal to a container (SIGKILL by default)',
    access: 'user',
    query: ZKillQuery,
    status: 204,
  },
  removeContainer: {
    method: 'delete',
    path: '/api/hosts/{hostId}/containers/{id}',
    permission: 'container.delete',
    audit: 'container.remove',
    tag: 'containers',
    summary: 'Remove a container; force: even if running, volumes: its anonymous volumes too',
    access: 'user',
    query: ZRemoveQuery,
    status: 204,
  },
  renameContainer: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/{id}/rename',
    permission: 'container.update',
    audit: 'container.rename',
    tag: 'containers',
    summary: 'Rename a container',
    access: 'user',
    body: ZRenameContainerRequest,
    status: 204,
  },
  updateContainer: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/{id}/update',
    permission: 'container.update',
    audit: 'container.update',
    tag: 'containers',
    summary: "Change a container's CPU and memory limits and restart policy",
    access: 'user',
    body: ZUpdateContainerRequest,
    response: ZUpdateContainerResponse,
    status: 200,
  },
  recreateContainer: {
    method: 'post',
    path: '/api/hosts/{hostId}/containers/{id}/recreate',
    tag: 'containers',
    summary:
      'Replace a container with a new one of the same configuration (optionally pulling first)',
    access: 'user',
    body: ZRecreateContainerRequest,
    response: ZRecreateContainerResponse,
    status: 200,
  },
} satisfies Record<string, ApiRoute>;

const CORE_ROUTES = {
  health: {
    method: 'get',
    path: '/api/health',
    tag: 'system',
    summary: 'Database and host health',
    access: 'public',
    response: ZHealth,
  },
  setupStatus: {
    method: 'get',
    path: '/api/auth/setup',
    tag: 'auth',
    summary: 'Whether the first administrator still has to be created',
    access: 'public',
    response: ZSetupStatus,
  },
  setup: {
    method: 'post',
    path: '/api/auth/setup',
    tag: 'auth',
    summary: 'Create the first administrator and sign in',
    access: 'public',
    body: ZSetupRequest,
    response: ZLoginResponse,
    status: 201,
  },
  login: {
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Sign in; sets the session cookie',
    access: 'public',
    body: ZLoginRequest,
    response: ZLoginResponse,
    status: 200,
  },
  logout: {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    summary: 'Sign out; ends the session',
    access: 'user',
    status: 204,
  },
  me: {
    method: 'get',
    path: '/api/auth/me',
    tag: 'auth',
    summary: 'The signed-in user and the CSRF token',
    access: 'user',
    response: ZMeResponse,
  },
  capabilities: {
    method: 'get',
    path: '/api/me/capabilities',
    tag: 'auth',
    summary:
      'What you may do: administrator or not, and your catalog permissions on each host you may see',
    access: 'user',
    response: ZCapabilities,
  },
  listTokens: {
    method: 'get',
    path: '/api/tokens',
    tag: 'auth',
    summary: 'Your API tokens (never the secrets)',
    access: 'user',
    response: z.array(ZApiToken),
  },
  createToken: {
    method: 'post',
    path: '/api/tokens',
    tag: 'auth',
    summary: 'Create an API token; the token is shown once',
    access: 'user',
    body: ZCreateTokenRequest,
    response: ZCreateTokenResponse,
    status: 201,
  },
  revokeToken: {
    method: 'delete',
    path: '/api/tokens/{id}',
    tag: 'auth',
    summary: 'Revoke an API token',
    access: 'user',
    status: 204,
  },
  listHosts: {
    method: 'get',
    path: '/api/hosts',
    tag: 'hosts',
    summary: 'Hosts with status and engine facts',
    access: 'admin',
    response: z.array(ZHost),
  },
  createHost: {
    method: 'post',
    path: '/api/hosts',
    tag: 'hosts',
    summary: 'Register a host',
    access: 'admin',
    body: ZCreateHostRequest,
    response: ZHost,
    status: 201,
  },
  testNewHost: {
    method: 'post',
    path: '/api/hosts/test',
    tag: 'hosts',
    summary: 'Try a connection before saving it',
    access: 'admin',
    body: ZCreateHostRequest,
    response: ZHostTestResult,
    status: 200,
  },
  getHost: {
    method: 'get',
    path: '/api/hosts/{id}',
    tag: 'hosts',
    summary: 'One host',
    access: 'admin',
    response: ZHost,
  },
  updateHost: {
    method: 'patch',
    path: '/api/hosts/{id}',
    tag: 'hosts',
    summary: 'Edit a host; secrets are kept unless new ones are given',
    access: 'admin',
    body: ZUpdateHostRequest,
    response: ZHost,
  },
  testHost: {
    method: 'post',
    path: '/api/hosts/{id}/test',
    tag: 'hosts',
    summary: 'Check a saved host now',
    access: 'admin',
    response: ZHostTestResult,
    status: 200,
  },
  testHostChanges: {
    method: 'post',
    path: '/api/hosts/{id}/test-changes',
    tag: 'hosts',
    summary:
      'Try an edit of a saved host (new URL or credentials, stored ones kept) before saving it',
    access: 'admin',
    body: ZUpdateHostRequest,
    response: ZHostTestResult,
    status: 200,
  },
  removeHost: {
    method: 'delete',
    path: '/api/hosts/{id}',
    tag: 'hosts',
    summary: 'Remove a host',
    access: 'admin',
    status: 204,
  },
} satisfies Record<string, ApiRoute>;

/**
 * Every REST route by name: controllers bind their methods to these (`@Route(ROUTES.createTeam)`)
 * and clients call them by name, so a path, access level or permission is written only here.
 */
export const ROUTES = {
  ...CORE_ROUTES,
  ...IDENTITY_ROUTES,
  ...REGISTRY_ROUTES,
  ...CONTAINER_ROUTES,
  ...INVENTORY_ROUTES,
  ...IMAGE_ROUTES,
  ...STACK_ROUTES,
  ...STACK_WEBHOOK_ROUTES,
  ...CONTAINER_WEBHOOK_ROUTES,
  ...STACK_GIT_ROUTES,
  ...STACK_ADOPTION_ROUTES,
  ...NETWORK_ROUTES,
  ...VOLUME_ROUTES,
  ...PLUGIN_ROUTES,
  ...UPDATE_ROUTES,
  ...SWARM_STACK_ROUTES,
  ...SWARM_ROUTES,
};

export type RouteName = keyof typeof ROUTES;

/** The routes in document order; the OpenAPI document is made from this list. */
export const API_ROUTES: readonly ApiRoute[] = Object.values(ROUTES);

/** OpenAPI 3.1 document of API_ROUTES; served at /api/openapi.json and committed as docs/openapi.json. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: responseOf(route),
      default: {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    };
    const operation: Record<string, unknown> = {
      tags: [route.tag],
      summary: route.summary,
      security: route.access === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      responses,
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } },
      };
    }
    const params = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...queryParameters(route.query),
    ];
    if (params.length > 0) operation.parameters = params;
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Berth API',
      version,
      description:
        'REST API of Berth. The Docker Engine API of each host is proxied unchanged under /api/hosts/{hostId}/docker/.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'berth_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: z.toJSONSchema(ZErrorBody) },
    },
    paths,
  };
}

function responseOf(route: ApiRoute): Record<string, unknown> {
  if (route.produces) {
    return {
      description: 'OK (a download)',
      content: Object.fromEntries(
        route.produces.map((type) => [type, { schema: { type: 'string' } }]),
      ),
    };
  }
  if (!route.response) return { description: 'No content' };
  return {
    description: 'OK',
    content: {
      'application/json': { schema: z.toJSONSchema(route.response, { io: 'output' }) },
    },
  };
}

function queryParameters(query: z.ZodObject | undefined): Record<string, unknown>[] {
  if (!query) return [];
  const schema = z.toJSONSchema(query, { io: 'input' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}
