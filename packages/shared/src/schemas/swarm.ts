import { z } from 'zod';
import { ZByteSize, ZEnvVariable, ZImageReference, ZLabels } from './containers.js';

/** `GET /api/hosts/:hostId/swarm`: the swarm a manager host belongs to. */
export const ZSwarmInfo = z.object({
  id: z.string(),
  /** The node this host's engine is. */
  nodeId: z.string(),
  managers: z.number(),
  workers: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The address other nodes join at (`10.231.9.1:2377`). */
  managerAddresses: z.array(z.string()),
  /** Only to callers holding swarm.manage on the host; left out otherwise. */
  joinTokens: z.object({ worker: z.string(), manager: z.string() }).optional(),
  /** Task history kept per slot, the default address pools and the like, as the engine keeps them. */
  taskHistoryLimit: z.number().nullable(),
  defaultAddrPool: z.array(z.string()),
  dataPathPort: z.number().nullable(),
});
export type TSwarmInfo = z.infer<typeof ZSwarmInfo>;

export const ZRotateJoinTokensRequest = z
  .object({ worker: z.boolean().default(false), manager: z.boolean().default(false) })
  .refine((request) => request.worker || request.manager, {
    message: 'name the worker token, the manager token or both',
    path: ['worker'],
  });
export type TRotateJoinTokensRequest = z.input<typeof ZRotateJoinTokensRequest>;

export const NODE_ROLES = ['manager', 'worker'] as const;
export const NODE_AVAILABILITIES = ['active', 'pause', 'drain'] as const;

export const ZSwarmNode = z.object({
  id: z.string(),
  hostname: z.string(),
  role: z.enum(NODE_ROLES),
  availability: z.enum(NODE_AVAILABILITIES),
  /** ready, down, unknown, disconnected. */
  state: z.string(),
  /** The engine's message about its state, when it gave one (`heartbeat failure`). */
  message: z.string().nullable(),
  engineVersion: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  address: z.string().nullable(),
  /** A manager that leads the raft (the one node with this set). */
  leader: z.boolean(),
  /** For a manager: reachable, unreachable; null for a worker. */
  reachability: z.string().nullable(),
  /** The node the asked host's engine is. */
  self: z.boolean(),
  os: z.string().nullable(),
  architecture: z.string().nullable(),
  cpus: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  /** The object's version, as the engine wants it back on an update. */
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TSwarmNode = z.infer<typeof ZSwarmNode>;

const ZNodeLabelKey = z.string().min(1, 'a label key cannot be empty').max(256);

/** `PATCH …/swarm/nodes/:nodeId`: only the fields given change; `labels` replaces them all. */
export const ZUpdateNodeRequest = z
  .object({
    availability: z.enum(NODE_AVAILABILITIES).optional(),
    role: z.enum(NODE_ROLES).optional(),
    labels: z.record(ZNodeLabelKey, z.string().max(4096, 'at most 4096 characters')).optional(),
  })
  .refine(
    (request) =>
      request.availability !== undefined ||
      request.role !== undefined ||
      request.labels !== undefined,
    { message: 'nothing to change: give availability, role or labels', path: ['availability'] },
  );
export type TUpdateNodeRequest = z.input<typeof ZUpdateNodeRequest>;

export const ZRemoveNodeQuery = z.object({
  /** Remove a node that is not down (the engine refuses otherwise). */
  force: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

export const SERVICE_MODES = ['replicated', 'global'] as const;
export const PUBLISH_MODES = ['ingress', 'host'] as const;

export const ZServicePort = z.object({
  published: z.number().int().min(1, 'a port from 1').max(65_535, 'a port up to 65535').optional(),
  target: z.number().int().min(1, 'a port from 1').max(65_535, 'a port up to 65535'),
  protocol: z.enum(['tcp', 'udp', 'sctp']).default('tcp'),
  mode: z.enum(PUBLISH_MODES).default('ingress'),
});
export type TServicePort = z.infer<typeof ZServicePort>;

/** A mount of a service's tasks: a named volume, a host path, or a tmpfs. */
export const ZServiceMount = z.object({
  type: z.enum(['volume', 'bind', 'tmpfs']).default('volume'),
  source: z.string().max(4096).optional(),
  target: z.string().startsWith('/', 'an absolute path in the container').max(4096),
  readOnly: z.boolean().default(false),
});

/** A swarm secret or config given to the service's tasks as a file. */
export const ZServiceFileRef = z.object({
  /** The secret's or config's name (or id). */
  source: z.string().min(1, 'required').max(256),
  /** The file name in the task: /run/secrets/<target> for a secret, /<target> for a config. */
  target: z.string().max(4096).optional(),
  uid: z.string().max(32).optional(),
  gid: z.string().max(32).optional(),
  mode: z.number().int().min(0).max(0o7777).optional(),
});
export type TServiceFileRef = z.infer<typeof ZServiceFileRef>;

const duration = (what: string) =>
  z.number().min(0, `${what} cannot be negative`).max(86_400, `${what}: at most a day`);

/** How tasks are replaced on an update (`--update-*`) or a rollback (`--rollback-*`). */
export const ZUpdateConfig = z.object({
  /** Tasks replaced at once; 0: all at once. */
  parallelism: z.number().int().min(0, 'at least 0').max(10_000).default(1),
  delaySeconds: duration('the delay').default(0),
  failureAction: z.enum(['pause', 'continue', 'rollback']).default('pause'),
  monitorSeconds: duration('the monitor period').default(5),
  /** Tasks that may fail before the failure action, as a fraction (0.1 = 10 %). */
  maxFailureRatio: z.number().min(0, 'at least 0').max(1, 'at most 1').default(0),
  /** start-first starts the new task before stopping the old one. */
  order: z.enum(['stop-first', 'start-first']).default('stop-first'),
});
export type TUpdateConfig = z.input<typeof ZUpdateConfig>;

export const ZServiceRestartPolicy = z.object({
  condition: z.enum(['none', 'on-failure', 'any']).default('any'),
  delaySeconds: duration('the delay').optional(),
  maxAttempts: z.number().int().min(0).max(1_000_000).optional(),
  windowSeconds: duration('the window').optional(),
});

export const ZServiceResources = z.object({
  limits: z
    .object({
      cpus: z.number().gt(0, 'more than 0').max(1024).optional(),
      memory: ZByteSize.optional(),
    })
    .optional(),
  reservations: z
    .object({
      cpus: z.number().gt(0, 'more than 0').max(1024).optional(),
      memory: ZByteSize.optional(),
    })
    .optional(),
});

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/;

/** `POST /api/hosts/:hostId/services`: every field checked before anything reaches the engine. */
export const ZCreateServiceRequest = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'required')
      .regex(SERVICE_NAME, 'letters, digits and dashes, at most 63, not starting with a dash'),
    image: ZImageReference,
    command: z.array(z.string().max(4096)).max(256, 'at most 256 arguments').optional(),
    mode: z.enum(SERVICE_MODES).default('replicated'),
    /** Only for a replicated service; 1 when left out. */
    replicas: z.number().int().min(0, 'at least 0').max(10_000, 'at most 10000').optional(),
    ports: z.array(ZServicePort).max(100, 'at most 100 ports').default([]),
    /** Overlay networks by name or id. */
    networks: z.array(z.string().min(1).max(256)).max(20, 'at most 20 networks').default([]),
    env: z.array(ZEnvVariable).max(500, 'at most 500 variables').default([]),
    mounts: z.array(ZServiceMount).max(100, 'at most 100 mounts').default([]),
    /** Placement constraints as the engine takes them: `node.role==worker`, `node.labels.zone==a`. */
    constraints: z
      .array(
        z
          .string()
          .max(1024)
          .regex(/^[^=!]+(==|!=)[^=!]*$/, 'like node.role==worker or node.labels.zone!=b'),
      )
      .max(50)
      .default([]),
    /** Spread tasks evenly over the values of these node labels (`node.labels.zone`). */
    placementPreferences: z.array(z.string().min(1).max(256)).max(10).default([]),
    /** At most this many tasks of the service on one node; 0: no limit. */
    maxReplicasPerNode: z.number().int().min(0).max(10_000).optional(),
    resources: ZServiceResources.optional(),
    restartPolicy: ZServiceRestartPolicy.optional(),
    updateConfig: ZUpdateConfig.optional(),
    rollbackConfig: ZUpdateConfig.optional(),
    secrets: z.array(ZServiceFileRef).max(100).default([]),
    configs: z.array(ZServiceFileRef).max(100).default([]),
    labels: ZLabels.default({}),
    /** Labels of the tasks' containers. */
    containerLabels: ZLabels.default({}),
  })
  .superRefine((request, ctx) => {
    if (request.mode === 'global' && request.replicas !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicas'],
        message: 'a global service runs one task on every node; replicas are for replicated ones',
      });
    }
    const published = new Set<string>();
    request.ports.forEach((port, index) => {
      if (port.published === undefined) return;
      const key = `${port.published}/${port.protocol}`;
      if (published.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ports', index, 'published'],
          message: `port ${key} is published twice`,
        });
      }
      published.add(key);
    });
  });
export type TCreateServiceRequest = z.input<typeof ZCreateServiceRequest>;

export const ZCreateServiceResponse = z.object({
  id: z.string(),
  /** The engine's warnings (an image it could not resolve on the registry, …). */
  warnings: z.array(z.string()),
});

/** A rolling update's state as the engine reports it (`UpdateStatus`). */
export const ZServiceUpdateStatus = z.object({
  /** updating, paused, completed, rollback_started, rollback_paused, rollback_completed. */
  state: z.string(),
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export type TServiceUpdateStatus = z.infer<typeof ZServiceUpdateStatus>;

export const ZServiceSummary = z.object({
  id: z.string(),
  hostId: z.string(),
  hostName: z.string(),
  name: z.string(),
  image: z.string(),
  mode: z.enum(SERVICE_MODES),
  /** running: tasks running now; desired: tasks the swarm wants running. */
  replicas: z.object({ running: z.number(), desired: z.number() }),
  ports: z.array(ZServicePort.extend({ published: z.number().nullable() })),
  updateStatus: ZServiceUpdateStatus.nullable(),
  /** com.docker.stack.namespace, when the service belongs to a swarm stack. */
  stack: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TServiceSummary = z.infer<typeof ZServiceSummary>;

export const ZServiceListQuery = z.object({
  /** One host; left out: every swarm manager host you may see swarms on. */
  hostId: z.string().min(1).max(128).optional(),
});

export const ZServiceListResponse = z.object({
  items: z.array(ZServiceSummary),
  /** Hosts that could not be asked (down, or no longer a manager), with why. */
  errors: z.array(z.object({ hostId: z.string(), hostName: z.string(), message: z.string() })),
});
export type TServiceListResponse = z.infer<typeof ZServiceListResponse>;

/** `GET …/services/:id`: the summary, the engine's spec (secret env values masked) and its previous spec. */
export const ZServiceDetail = ZServiceSummary.extend({
  /** Environment as the service's tasks get it; values of variables marked secret are masked. */
  env: z.array(z.object({ name: z.string(), value: z.string(), secret: z.boolean() })),
  command: z.array(z.string()).nullable(),
  networks: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
  constraints: z.array(z.string()),
  updateConfig: z.record(z.string(), z.unknown()).nullable(),
  rollbackConfig: z.record(z.string(), z.unknown()).nullable(),
  /** The object's version, as the engine wants it back on an update. */
  version: z.number(),
  /** The engine's Spec, with env values of secret variables masked. */
  spec: z.record(z.string(), z.unknown()),
  /** The spec before the last update (what a rollback returns to); null when never updated. */
  previousSpec: z.record(z.string(), z.unknown()).nullable(),
});
export type TServiceDetail = z.infer<typeof ZServiceDetail>;

export const ZScaleServiceRequest = z.object({
  replicas: z.number().int().min(0, 'at least 0').max(10_000, 'at most 10000'),
});

/** `POST …/services/:id/update`: a new image, new update settings, or just a redeploy (`force`). */
export const ZUpdateServiceRequest = z
  .object({
    image: ZImageReference.optional(),
    updateConfig: ZUpdateConfig.optional(),
    /** Replace every task even though nothing else changes (`docker service update --force`). */
    force: z.boolean().default(false),
  })
  .refine((request) => request.image || request.updateConfig || request.force, {
    message: 'nothing to change: give an image, update settings, or force',
    path: ['image'],
  });
export type TUpdateServiceRequest = z.input<typeof ZUpdateServiceRequest>;

export const ZServiceChangeResponse = z.object({ warnings: z.array(z.string()) });

export const ZSwarmTask = z.object({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string().nullable(),
  nodeId: z.string().nullable(),
  nodeHostname: z.string().nullable(),
  /** The replica number of a replicated service's task; null for a global one. */
  slot: z.number().nullable(),
  /** new, pending, assigned, preparing, starting, running, complete, shutdown, failed, rejected… */
  state: z.string(),
  desiredState: z.string(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  containerId: z.string().nullable(),
  exitCode: z.number().nullable(),
  image: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TSwarmTask = z.infer<typeof ZSwarmTask>;

export const ZServiceLogsQuery = z.object({
  tail: z.union([z.literal('all'), z.coerce.number().int().min(0).max(100_000)]).default(200),
  since: z.string().max(64).optional(),
  timestamps: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

/** One line of a service's merged log, with the task it came from. */
export const ZServiceLogLine = z.object({
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  time: z.string().optional(),
  taskId: z.string().nullable(),
  nodeId: z.string().nullable(),
  /** The replica number, when the task's is known. */
  slot: z.number().nullable(),
});
export type TServiceLogLine = z.infer<typeof ZServiceLogLine>;

export const ZServiceLogsResponse = z.object({ lines: z.array(ZServiceLogLine) });
