import { z } from 'zod';
import type { ApiRoute } from './api-contract.js';
import { ZStackEnvEntry } from './schemas/stacks.js';
import { ZContainerWebhook, ZStackWebhookUrl, ZWebhookOptions } from './schemas/stack-webhooks.js';

/** A swarm object's name, as the engine takes it (`docker secret create` rules). */
const ZSwarmObjectName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9]+(?:[a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/, 'letters, digits, _ . and -');

/** A service that uses a secret or config. */
export const ZSwarmObjectUser = z.object({ id: z.string(), name: z.string() });

/** A secret or config as listed and inspected: metadata only, a secret's value never. */
export const ZSwarmObject = z.object({
  id: z.string(),
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The secret store driver; null for the swarm's own (and always for configs). */
  driver: z.string().nullable(),
  /** The stack it belongs to (`com.docker.stack.namespace`), or null. */
  stack: z.string().nullable(),
  services: z.array(ZSwarmObjectUser),
});

export const ZSwarmObjectList = z.object({ items: z.array(ZSwarmObject) });

/** A config's inspect also gives its content (configs hold no secrets), as UTF-8 text. */
export const ZSwarmConfigDetail = ZSwarmObject.extend({ data: z.string() });

/**
 * A new secret or config. `value` is the content: text, or base64 when `encoding` is `base64`
 * (binary content). A secret's value is write-only: never answered, logged or audited.
 */
export const ZCreateSwarmObjectRequest = z.object({
  name: ZSwarmObjectName,
  value: z.string().min(1).max(700_000),
  encoding: z.enum(['text', 'base64']).default('text'),
  labels: z.record(z.string().min(1).max(255), z.string().max(4096)).default({}),
});

export const ZCreatedSwarmObject = z.object({ id: z.string() });

const ZSwarmStackName = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'lower-case letters, digits, - and _, starting with a letter or digit',
  );

/**
 * A swarm stack's compose file and what it needs: `env` for interpolation (and secrets or configs
 * declared with `environment:`), `files` for secrets and configs declared with `file:` (path as
 * written in the file, relative to the file's folder, to content).
 */
export const ZSwarmStackSource = z.object({
  compose: z.string().min(1).max(1_000_000),
  env: z.array(ZStackEnvEntry).max(500).default([]),
  files: z.record(z.string().min(1).max(1024), z.string().max(700_000)).default({}),
});

export const ZDeploySwarmStackRequest = ZSwarmStackSource.extend({ name: ZSwarmStackName });

/** What a deploy or update did, per service. */
export const ZSwarmStackDeployed = z.object({
  id: z.string(),
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.array(z.string()),
  removed: z.array(z.string()),
  /** The file was kept for the next update (false: too large for a swarm config, or failed). */
  sourceKept: z.boolean(),
});

export const ZSwarmStackService = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  mode: z.enum(['replicated', 'global']),
  replicas: z.object({ running: z.number(), desired: z.number() }),
});

export const ZSwarmStack = z.object({
  name: z.string(),
  services: z.array(ZSwarmStackService),
  networks: z.array(z.string()),
  secrets: z.array(z.string()),
  configs: z.array(z.string()),
  /** Berth keeps the file it last deployed (a stack deployed with the docker CLI has none). */
  sourceKept: z.boolean(),
});

/**
 * The compose file, variables and files a stack was last deployed with, as Berth kept them in the
 * swarm: secret variables and every file's content answered masked (sent back masked, an update
 * keeps them).
 */
export const ZSwarmStackKeptSource = ZSwarmStackSource.extend({ keptAt: z.string() });

export const ZSwarmStackList = z.object({ items: z.array(ZSwarmStack) });

export const ZCreateServiceWebhookRequest = ZWebhookOptions.extend({
  /**
   * Resolve the image's tag to its digest in the registry before the forced update (as
   * `docker service update --image` does), so a newer image with the tag is run.
   */
  pullImage: z.boolean().default(true),
});

export const ZServiceWebhook = ZContainerWebhook.omit({ container: true }).extend({
  service: z.string(),
});
export const ZServiceWebhookList = z.object({ items: z.array(ZServiceWebhook) });

function objectRoutes<K extends 'secret' | 'config'>(kind: K) {
  const plural = `${kind}s` as const;
  const write = kind === 'secret' ? ' (the value is write-only)' : '';
  return {
    list: {
      method: 'get',
      path: `/api/hosts/{hostId}/swarm/${plural}`,
      permission: 'swarm.view',
      tag: 'swarm',
      summary: `The swarm's ${plural} (metadata), with the services using each`,
      access: 'user',
      response: ZSwarmObjectList,
    },
    create: {
      method: 'post',
      path: `/api/hosts/{hostId}/swarm/${plural}`,
      permission: 'swarm.manage',
      audit: `swarm.${kind}_create`,
      tag: 'swarm',
      summary: `Create a ${kind}${write}`,
      access: 'user',
      body: ZCreateSwarmObjectRequest,
      response: ZCreatedSwarmObject,
      status: 201,
    },
    inspect: {
      method: 'get',
      path: `/api/hosts/{hostId}/swarm/${plural}/{id}`,
      permission: 'swarm.view',
      tag: 'swarm',
      summary:
        kind === 'secret'
          ? "A secret's metadata and users; its value is never answered"
          : "A config's metadata, users and content",
      access: 'user',
      response: kind === 'secret' ? ZSwarmObject : ZSwarmConfigDetail,
    },
    remove: {
      method: 'delete',
      path: `/api/hosts/{hostId}/swarm/${plural}/{id}`,
      permission: 'swarm.manage',
      audit: `swarm.${kind}_remove`,
      tag: 'swarm',
      summary: `Remove a ${kind}; 409 naming the services while any uses it`,
      access: 'user',
      status: 204,
    },
  } as const;
}

const SECRET = objectRoutes('secret');
const CONFIG = objectRoutes('config');

/**
 * Swarm secrets and configs, swarm stacks (a compose file deployed as services) and webhooks of
 * services, on a swarm manager host (else 409 NOT_A_SWARM_MANAGER).
 */
export const SWARM_STACK_ROUTES = {
  listSwarmSecrets: SECRET.list,
  createSwarmSecret: SECRET.create,
  inspectSwarmSecret: SECRET.inspect,
  removeSwarmSecret: SECRET.remove,
  listSwarmConfigs: CONFIG.list,
  createSwarmConfig: CONFIG.create,
  inspectSwarmConfig: CONFIG.inspect,
  removeSwarmConfig: CONFIG.remove,
  listSwarmStacks: {
    method: 'get',
    path: '/api/hosts/{hostId}/swarm/stacks',
    permission: 'swarm.view',
    tag: 'swarm',
    summary:
      'Swarm stacks on the host (by their com.docker.stack.namespace labels, as docker stack ls), with replicas running/desired per service',
    access: 'user',
    response: ZSwarmStackList,
  },
  inspectSwarmStack: {
    method: 'get',
    path: '/api/hosts/{hostId}/swarm/stacks/{name}',
    permission: 'swarm.view',
    tag: 'swarm',
    summary: 'One swarm stack: its services, networks, secrets and configs',
    access: 'user',
    response: ZSwarmStack,
  },
  swarmStackSource: {
    method: 'get',
    path: '/api/hosts/{hostId}/swarm/stacks/{name}/source',
    permission: 'swarm.view',
    tag: 'swarm',
    summary:
      'The compose file, variables and files the stack was last deployed with through Berth (secret variables and file contents masked); 404 when none is kept',
    access: 'user',
    response: ZSwarmStackKeptSource,
  },
  deploySwarmStack: {
    method: 'post',
    path: '/api/hosts/{hostId}/swarm/stacks',
    permission: 'swarm.manage',
    audit: 'swarm.stack_deploy',
    tag: 'swarm',
    summary:
      'Deploy a compose file to the swarm as a stack (400 COMPOSE_INVALID with path and line for keys a swarm stack cannot have); 409 if the stack exists',
    access: 'user',
    body: ZDeploySwarmStackRequest,
    response: ZSwarmStackDeployed,
    status: 201,
  },
  updateSwarmStack: {
    method: 'put',
    path: '/api/hosts/{hostId}/swarm/stacks/{name}',
    permission: 'swarm.manage',
    audit: 'swarm.stack_deploy',
    tag: 'swarm',
    summary:
      'Deploy a new compose file to an existing stack: changed services updated, removed ones removed, unchanged ones untouched',
    access: 'user',
    body: ZSwarmStackSource,
    response: ZSwarmStackDeployed,
    status: 200,
  },
  removeSwarmStack: {
    method: 'delete',
    path: '/api/hosts/{hostId}/swarm/stacks/{name}',
    permission: 'swarm.manage',
    audit: 'swarm.stack_remove',
    tag: 'swarm',
    summary: 'Remove a stack: its services, then its networks, secrets and configs',
    access: 'user',
    status: 204,
  },
  createServiceWebhook: {
    method: 'post',
    path: '/api/hosts/{hostId}/services/{service}/webhooks',
    permission: 'swarm.manage',
    audit: 'service.webhook.create',
    tag: 'swarm',
    summary:
      'Create a webhook that force-updates the service (resolving its image tag first by default); its URL is shown only now',
    access: 'user',
    body: ZCreateServiceWebhookRequest,
    response: ZStackWebhookUrl,
    status: 201,
  },
  listServiceWebhooks: {
    method: 'get',
    path: '/api/hosts/{hostId}/services/{service}/webhooks',
    permission: 'swarm.manage',
    tag: 'swarm',
    summary: "A service's webhooks, without their tokens",
    access: 'user',
    response: ZServiceWebhookList,
  },
  rotateServiceWebhook: {
    method: 'post',
    path: '/api/hosts/{hostId}/services/{service}/webhooks/{webhookId}/rotate',
    permission: 'swarm.manage',
    audit: 'service.webhook.rotate',
    tag: 'swarm',
    summary: 'Give a service webhook a new token; the old URL stops working',
    access: 'user',
    response: ZStackWebhookUrl,
  },
  revokeServiceWebhook: {
    method: 'delete',
    path: '/api/hosts/{hostId}/services/{service}/webhooks/{webhookId}',
    permission: 'swarm.manage',
    audit: 'service.webhook.revoke',
    tag: 'swarm',
    summary: 'Revoke a service webhook',
    access: 'user',
    status: 204,
  },
} as const satisfies Record<string, ApiRoute>;

export type TSwarmObject = z.infer<typeof ZSwarmObject>;
export type TSwarmObjectList = z.infer<typeof ZSwarmObjectList>;
export type TSwarmConfigDetail = z.infer<typeof ZSwarmConfigDetail>;
export type TCreateSwarmObjectRequest = z.infer<typeof ZCreateSwarmObjectRequest>;
export type TCreatedSwarmObject = z.infer<typeof ZCreatedSwarmObject>;
export type TSwarmStackSource = z.infer<typeof ZSwarmStackSource>;
export type TDeploySwarmStackRequest = z.infer<typeof ZDeploySwarmStackRequest>;
export type TSwarmStackDeployed = z.infer<typeof ZSwarmStackDeployed>;
export type TSwarmStackService = z.infer<typeof ZSwarmStackService>;
export type TSwarmStack = z.infer<typeof ZSwarmStack>;
export type TSwarmStackList = z.infer<typeof ZSwarmStackList>;
export type TSwarmStackKeptSource = z.infer<typeof ZSwarmStackKeptSource>;
export type TCreateServiceWebhookRequest = z.infer<typeof ZCreateServiceWebhookRequest>;
export type TServiceWebhook = z.infer<typeof ZServiceWebhook>;
export type TServiceWebhookList = z.infer<typeof ZServiceWebhookList>;
