import { z } from 'zod';
import { ZHostStatus } from './hosts.js';

/** Labels Berth stamps on the containers it creates; users cannot set `berth.*` labels themselves. */
export const BERTH_LABELS = {
  owner: 'berth.owner',
  team: 'berth.team',
  secretEnv: 'berth.secret-env',
} as const;

/** What replaces the value of an environment variable marked secret in every API answer. */
export const SECRET_MASK = '********';

export const CONTAINER_STATES = [
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
] as const;
export const ZContainerState = z.enum(CONTAINER_STATES);
export type TContainerState = z.infer<typeof ZContainerState>;

export const ZContainerPort = z.object({
  ip: z.string().nullable(),
  privatePort: z.number(),
  publicPort: z.number().nullable(),
  type: z.string(),
});
export type TContainerPort = z.infer<typeof ZContainerPort>;

/** One container as the fleet list shows it, answered from Berth's live inventory. */
export const ZContainerSummary = z.object({
  id: z.string(),
  hostId: z.string(),
  hostName: z.string(),
  name: z.string(),
  image: z.string(),
  command: z.string(),
  state: ZContainerState,
  status: z.string(),
  createdAt: z.string(),
  ports: z.array(ZContainerPort),
  labels: z.record(z.string(), z.string()),
  /** True while Berth cannot follow the host's engine; the entry is then as of `updatedAt`. */
  stale: z.boolean(),
  /** When the engine last confirmed this entry. */
  updatedAt: z.string(),
});
export type TContainerSummary = z.infer<typeof ZContainerSummary>;

export const CONTAINER_SORTS = ['name', 'image', 'state', 'created', 'host'] as const;
export type TContainerSort = (typeof CONTAINER_SORTS)[number];

/** A query value that may list several values, comma-separated. */
export const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

/** `GET /api/containers`: filters, sort and an opaque cursor from the previous page. */
export const ZContainerListQuery = z.object({
  /** One host id or several, comma-separated. */
  hostId: commaList(z.string().min(1)).optional(),
  /** One state or several, comma-separated (`running,paused`). */
  state: commaList(ZContainerState).optional(),
  /**
   * Matches name, image, and label keys and values, case-insensitive; `key=value` words match a
   * label exactly (`key=` any value), every word then having to match.
   */
  q: z.string().trim().max(200, 'at most 200 characters').optional(),
  sort: z.enum(CONTAINER_SORTS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1, 'at least 1').max(500, 'at most 500').default(50),
});
export type TContainerListQuery = z.infer<typeof ZContainerListQuery>;

export const ZContainerListResponse = z.object({
  items: z.array(ZContainerSummary),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
  /** How many containers match the filters, over all pages. */
  total: z.number(),
});
export type TContainerListResponse = z.infer<typeof ZContainerListResponse>;

// ---------------------------------------------------------------- create ----

const MIB = 1024 * 1024;
/** The engine refuses memory limits under 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * MIB;

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: MIB, g: 1024 * MIB, t: 1024 ** 4 };

/** `512m`, `1.5g`, `1024k`, `2GiB` or a number of bytes; null when it is none of these. */
export function parseByteSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt])?(?:i?b)?$/i.exec(value.trim());
  if (!match) return null;
  const bytes = Number(match[1]) * (SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1);
  return Number.isFinite(bytes) ? Math.floor(bytes) : null;
}

export const ZByteSize = z
  .union([z.number(), z.string()], { error: 'a size like 512m or 1g, or a number of bytes' })
  .transform((value, ctx) => {
    const bytes = parseByteSize(value);
    if (bytes === null) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: 'a size like 512m, 1.5g or 1024k, or a whole number of bytes',
      });
      return z.NEVER;
    }
    return bytes;
  });

const absolutePath = (what: string) =>
  z
    .string()
    .min(1, 'required')
    .max(4096, 'at most 4096 characters')
    .refine((path) => path.startsWith('/'), `${what} must be an absolute path (start with /)`)
    .refine((path) => !path.split('/').includes('..'), `${what} must not contain ".."`);

/** Docker's own rule for container names. */
export const ZContainerName = z
  .string()
  .trim()
  .regex(
    /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/,
    'at least 2 characters: letters, digits, dot, dash and underscore, starting with a letter or digit',
  )
  .max(128, 'at most 128 characters')
  .transform((name) => name.replace(/^\//, ''));

/** `name`, `name:tag`, `registry:5000/team/name:tag` or `name@sha256:…`. */
export const ZImageReference = z
  .string()
  .trim()
  .min(1, 'required')
  .max(512, 'at most 512 characters')
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    'not an image reference (like nginx, nginx:1.27 or registry:5000/team/app:tag)',
  );

const ZPortNumber = z
  .number({ error: 'a port number' })
  .int('a whole number')
  .min(1, 'between 1 and 65535')
  .max(65535, 'between 1 and 65535');

const ZIpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'an IPv4 or IPv6 address' });

export const ZPortMapping = z.object({
  hostIp: ZIpAddress.optional(),
  /** Left out: the engine picks a free port. */
  hostPort: ZPortNumber.optional(),
  containerPort: ZPortNumber,
  protocol: z.enum(['tcp', 'udp', 'sctp']).default('tcp'),
});

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export const ZMount = z
  .object({
    type: z.enum(['volume', 'bind']).default('volume'),
    /** Volume name (left out: an anonymous volume) or, for a bind, an absolute path on the host. */
    source: z.string().trim().max(4096, 'at most 4096 characters').optional(),
    target: absolutePath('target'),
    readOnly: z.boolean().default(false),
  })
  .superRefine((mount, ctx) => {
    if (mount.type === 'bind') {
      if (!mount.source)
        ctx.addIssue({
          code: 'custom',
          path: ['source'],
          message: 'a bind needs a source path on the host',
        });
      else if (!mount.source.startsWith('/'))
        ctx.addIssue({
          code: 'custom',
          path: ['source'],
          message: 'a bind source must be an absolute path (start with /)',
        });
    } else if (mount.source && !VOLUME_NAME.test(mount.source)) {
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: 'a volume name: at least 2 characters, letters, digits, dot, dash and underscore',
      });
    }
    if (mount.target === '/')
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'cannot mount over /' });
  });

const HOSTNAME =
  /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const ZNetworkAttachment = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'required')
    .max(128, 'at most 128 characters')
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
      'a network name: letters, digits, dot, dash and underscore',
    ),
  aliases: z
    .array(z.string().regex(HOSTNAME, 'an alias must be a valid host name'))
    .max(20, 'at most 20 aliases')
    .default([]),
  ipv4Address: z.ipv4({ error: 'an IPv4 address like 172.20.0.5' }).optional(),
});

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

export const ZRestartPolicy = z
  .object({
    name: z.enum(RESTART_POLICIES),
    maximumRetryCount: z
      .number()
      .int('a whole number')
      .min(0, 'at least 0')
      .max(1000, 'at most 1000')
      .optional(),
  })
  .superRefine((policy, ctx) => {
    if (policy.maximumRetryCount && policy.name !== 'on-failure') {
      ctx.addIssue({
        code: 'custom',
        path: ['maximumRetryCount'],
        message: 'only with the on-failure policy',
      });
    }
  });
export type TRestartPolicy = z.infer<typeof ZRestartPolicy>;

export const ZEnvVariable = z.object({
  name: z
    .string()
    .min(1, 'required')
    .max(256, 'at most 256 characters')
    .regex(
      /^[A-Za-z_][A-Za-z0-9_.-]*$/,
      'letters, digits, dot, dash and underscore, not starting with a digit',
    ),
  value: z.string().max(32_768, 'at most 32768 characters').default(''),
  /** Stored as usual in the engine, but masked in every answer of the API and never audited. */
  secret: z.boolean().default(false),
});

const seconds = (what: string) =>
  z.number().min(0, `${what} cannot be negative`).max(86_400, `${what}: at most a day`);

export const ZHealthcheck = z
  .object({
    /** As the engine takes it: `["CMD", "prog", "arg"]`, `["CMD-SHELL", "cmd"]` or `["NONE"]`. */
    test: z.array(z.string().max(4096)).min(1, 'required'),
    intervalSeconds: seconds('interval').optional(),
    timeoutSeconds: seconds('timeout').optional(),
    startPeriodSeconds: seconds('start period').optional(),
    retries: z
      .number()
      .int('a whole number')
      .min(0, 'at least 0')
      .max(100, 'at most 100')
      .optional(),
  })
  .superRefine((check, ctx) => {
    const [kind, ...rest] = check.test;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['test'], message });
    if (kind === 'NONE') {
      if (rest.length > 0) issue('NONE takes no arguments');
    } else if (kind === 'CMD') {
      if (rest.length === 0 || !rest[0]) issue('CMD needs a program to run');
    } else if (kind === 'CMD-SHELL') {
      if (rest.length !== 1 || !rest[0]) issue('CMD-SHELL takes exactly one shell command');
    } else {
      issue('must start with CMD, CMD-SHELL or NONE');
    }
    for (const field of ['intervalSeconds', 'timeoutSeconds', 'startPeriodSeconds'] as const) {
      const value = check[field];
      if (value !== undefined && value > 0 && value < 0.001) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'at least 1 ms (0 means the default)',
        });
      }
    }
  });

export const ZLabels = z
  .record(z.string(), z.string().max(4096, 'at most 4096 characters'))
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      const message = !key
        ? 'a label key cannot be empty'
        : key.length > 256
          ? 'a label key has at most 256 characters'
          : key.startsWith('berth.')
            ? 'berth.* labels are set by Berth'
            : null;
      if (message) ctx.addIssue({ code: 'custom', path: [key], message });
    }
  });

const ZCommand = z
  .array(z.string().max(4096, 'at most 4096 characters'))
  .max(256, 'at most 256 arguments');

/** `POST /api/hosts/:hostId/containers`: every field checked before anything reaches the engine. */
export const ZCreateContainerRequest = z
  .object({
    image: ZImageReference,
    name: ZContainerName.optional(),
    /** `missing` pulls only when the host does not have the image. */
    pull: z.enum(['missing', 'always', 'never']).default('missing'),
    /** Start the container once created. */
    start: z.boolean().default(true),
    cmd: ZCommand.optional(),
    entrypoint: ZCommand.optional(),
    env: z.array(ZEnvVariable).max(500, 'at most 500 variables').default([]),
    ports: z.array(ZPortMapping).max(100, 'at most 100 ports').default([]),
    volumes: z.array(ZMount).max(100, 'at most 100 mounts').default([]),
    networks: z.array(ZNetworkAttachment).max(20, 'at most 20 networks').default([]),
    restartPolicy: ZRestartPolicy.optional(),
    /** CPUs the container may use, like 0.5 or 2. */
    cpus: z.number().gt(0, 'more than 0').max(1024, 'at most 1024').optional(),
    /** A hard memory limit: `512m`, `1g` or bytes; at least 6m. */
    memory: ZByteSize.optional(),
    labels: ZLabels.default({}),
    user: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/, 'user, uid, user:group or uid:gid')
      .max(128)
      .optional(),
    workingDir: absolutePath('the working directory').optional(),
    hostname: z.string().regex(HOSTNAME, 'a valid host name').max(253).optional(),
    tty: z.boolean().default(false),
    /** Keep stdin open (`docker run -i`), for attaching. */
    interactive: z.boolean().default(false),
    healthcheck: ZHealthcheck.optional(),
    logDriver: z
      .object({
        name: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a log driver name like json-file, local or syslog'),
        options: z.record(z.string(), z.string()).default({}),
      })
      .optional(),
  })
  .superRefine((request, ctx) => {
    if (request.memory !== undefined && request.memory < MIN_MEMORY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['memory'],
        message: 'at least 6m (the engine minimum)',
      });
    }
    const envNames = new Map<string, number>();
    request.env.forEach((variable, index) => {
      if (envNames.has(variable.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['env', index, 'name'],
          message: `${variable.name} is set twice`,
        });
      }
      envNames.set(variable.name, index);
    });
    const bound: { ip: string; port: number; protocol: string; index: number }[] = [];
    request.ports.forEach((port, index) => {
      if (port.hostPort === undefined) {
        if (port.hostIp)
          ctx.addIssue({
            code: 'custom',
            path: ['ports', index, 'hostPort'],
            message: 'required with a host IP',
          });
        return;
      }
      const ip = port.hostIp ?? '';
      const clash = bound.find(
        (b) =>
          b.port === port.hostPort &&
          b.protocol === port.protocol &&
          (b.ip === ip || b.ip === '' || ip === '' || b.ip === '0.0.0.0' || ip === '0.0.0.0'),
      );
      if (clash) {
        ctx.addIssue({
          code: 'custom',
          path: ['ports', index, 'hostPort'],
          message: `host port ${port.hostPort}/${port.protocol} is already used by ports.${clash.index}`,
        });
      }
      bound.push({ ip, port: port.hostPort, protocol: port.protocol, index });
    });
    const targets = new Map<string, number>();
    request.volumes.forEach((mount, index) => {
      const target = mount.target.replace(/\/+$/, '') || '/';
      const first = targets.get(target);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['volumes', index, 'target'],
          message: `${target} is already mounted by volumes.${first}`,
        });
      } else targets.set(target, index);
    });
    const networks = new Set<string>();
    request.networks.forEach((network, index) => {
      if (networks.has(network.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['networks', index, 'name'],
          message: `${network.name} is listed twice`,
        });
      }
      networks.add(network.name);
      if (['host', 'none'].includes(network.name) && request.networks.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['networks', index, 'name'],
          message: `${network.name} cannot be combined with other networks`,
        });
      }
    });
  });
export type TCreateContainerRequest = z.infer<typeof ZCreateContainerRequest>;
export type TCreateContainerInput = z.input<typeof ZCreateContainerRequest>;

export const ZCreateContainerResponse = z.object({
  id: z.string(),
  hostId: z.string(),
  name: z.string(),
  started: z.boolean(),
  /** Whether the image had to be pulled first. */
  pulled: z.boolean(),
  warnings: z.array(z.string()),
});
export type TCreateContainerResponse = z.infer<typeof ZCreateContainerResponse>;

// ------------------------------------------------------------- lifecycle ----

/** `?t=` of stop and restart: seconds to wait before the engine kills the container. */
export const ZStopQuery = z.object({
  t: z.coerce
    .number()
    .int('whole seconds')
    .min(0, 'at least 0')
    .max(3600, 'at most 3600')
    .optional(),
});
export type TStopQuery = z.infer<typeof ZStopQuery>;

export const ZKillQuery = z.object({
  signal: z
    .string()
    .regex(/^(SIG)?[A-Z0-9+-]+$|^\d{1,2}$/, 'a signal name like SIGTERM or KILL, or its number')
    .optional(),
});
export type TKillQuery = z.infer<typeof ZKillQuery>;

const queryFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'true or false' })
  .transform((value) => value === 'true' || value === '1');

export const ZRemoveQuery = z.object({
  force: queryFlag.optional(),
  volumes: queryFlag.optional(),
});
export type TRemoveQuery = z.infer<typeof ZRemoveQuery>;

/**
 * `?` of a log download: the whole range asked for, read from the engine (not only the lines a
 * viewer has loaded). Lines are plain text unless `prefix` asks for their stream first.
 */
export const ZContainerLogsQuery = z.object({
  tail: z
    .union([
      z.literal('all'),
      z.coerce.number().int('whole lines').min(1, 'at least 1').max(1_000_000, 'at most 1000000'),
    ])
    .default('all'),
  /** Unix seconds: only lines written since, or before, this time. */
  since: z.coerce.number().int('whole seconds').min(0, 'at least 0').optional(),
  until: z.coerce.number().int('whole seconds').min(0, 'at least 0').optional(),
  timestamps: queryFlag.optional(),
  /** Start each line with `stdout ` or `stderr `. */
  prefix: queryFlag.optional(),
});
export type TContainerLogsQuery = z.infer<typeof ZContainerLogsQuery>;

export const ZRenameContainerRequest = z.object({ name: ZContainerName });
export type TRenameContainerRequest = z.infer<typeof ZRenameContainerRequest>;

/** Resource changes that apply to a running container (`docker update`). */
export const ZUpdateContainerRequest = z
  .object({
    cpuShares: z
      .number()
      .int('a whole number')
      .min(2, 'at least 2')
      .max(262_144, 'at most 262144')
      .optional(),
    cpuQuota: z
      .number()
      .int('a whole number (microseconds)')
      .min(1000, 'at least 1000 µs')
      .max(1_000_000_000)
      .optional(),
    cpuPeriod: z
      .number()
      .int('a whole number (microseconds)')
      .min(1000, 'at least 1000 µs')
      .max(1_000_000, 'at most 1000000 µs')
      .optional(),
    memory: ZByteSize.optional(),
    /** Memory plus swap; -1 for unlimited swap. */
    memorySwap: z.union([z.literal(-1), ZByteSize]).optional(),
    restartPolicy: ZRestartPolicy.optional(),
  })
  .superRefine((update, ctx) => {
    if (Object.values(update).every((value) => value === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give at least one field to change' });
    }
    if (update.memory !== undefined && update.memory < MIN_MEMORY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['memory'],
        message: 'at least 6m (the engine minimum)',
      });
    }
    if (update.memorySwap !== undefined && update.memorySwap !== -1) {
      if (update.memory === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['memorySwap'],
          message: 'give memory together with memorySwap',
        });
      } else if (update.memorySwap < update.memory) {
        ctx.addIssue({
          code: 'custom',
          path: ['memorySwap'],
          message: 'must be at least memory (it is memory plus swap)',
        });
      }
    }
  });
export type TUpdateContainerRequest = z.infer<typeof ZUpdateContainerRequest>;

export const ZUpdateContainerResponse = z.object({ warnings: z.array(z.string()) });
export type TUpdateContainerResponse = z.infer<typeof ZUpdateContainerResponse>;

const ZStopSeconds = z.number().int('whole seconds').min(0, 'at least 0').max(3600, 'at most 3600');

export const ZRecreateContainerRequest = z
  .object({
    /** Pull the image again first, so a new version of the same tag is used. */
    pull: z.boolean().default(false),
    /** Seconds the old container gets to stop before it is killed (the engine's default: 10). */
    t: ZStopSeconds.optional(),
  })
  .default({ pull: false });
export type TRecreateContainerRequest = z.infer<typeof ZRecreateContainerRequest>;

export const ZRecreateContainerResponse = z.object({
  id: z.string(),
  name: z.string(),
  previousId: z.string(),
  started: z.boolean(),
});
export type TRecreateContainerResponse = z.infer<typeof ZRecreateContainerResponse>;

/** The engine's inspect answer, with the values of secret environment variables masked. */
/** `{"80/tcp": [{HostIp, HostPort}]}`; null bindings: exposed, not published. */
const ZPortMap = z.record(
  z.string(),
  z
    .array(z.looseObject({ HostIp: z.string().nullish(), HostPort: z.string().nullish() }))
    .nullish(),
);
const ZStringMap = z.record(z.string(), z.string());
const strings = z.array(z.string()).nullish();

/**
 * A container as the engine's inspect describes it (Docker Engine API `ContainerInspectResponse`):
 * the fields Berth and the dashboard read are typed, everything else passes through as the engine
 * sent it. Arrays and maps the engine leaves out or sends as null are nullish.
 */
export const ZContainerInspect = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  Created: z.string(),
  Path: z.string().nullish(),
  Args: strings,
  Image: z.string(),
  RestartCount: z.number().nullish(),
  State: z.looseObject({
    Status: z.string(),
    Running: z.boolean(),
    Paused: z.boolean().nullish(),
    Restarting: z.boolean().nullish(),
    OOMKilled: z.boolean().nullish(),
    Pid: z.number().nullish(),
    ExitCode: z.number().nullish(),
    Error: z.string().nullish(),
    StartedAt: z.string().nullish(),
    FinishedAt: z.string().nullish(),
    Health: z.looseObject({ Status: z.string() }).nullish(),
  }),
  Config: z.looseObject({
    Image: z.string(),
    Hostname: z.string().nullish(),
    User: z.string().nullish(),
    WorkingDir: z.string().nullish(),
    Tty: z.boolean().nullish(),
    OpenStdin: z.boolean().nullish(),
    Env: strings,
    Cmd: strings,
    Entrypoint: strings,
    Labels: ZStringMap.nullish(),
    Healthcheck: z
      .looseObject({
        Test: strings,
        Interval: z.number().nullish(),
        Timeout: z.number().nullish(),
        StartPeriod: z.number().nullish(),
        Retries: z.number().nullish(),
      })
      .nullish(),
  }),
  HostConfig: z.looseObject({
    NetworkMode: z.string().nullish(),
    PortBindings: ZPortMap.nullish(),
    RestartPolicy: z
      .looseObject({ Name: z.string().nullish(), MaximumRetryCount: z.number().nullish() })
      .nullish(),
    NanoCpus: z.number().nullish(),
    Memory: z.number().nullish(),
    LogConfig: z
      .looseObject({ Type: z.string().nullish(), Config: ZStringMap.nullish() })
      .nullish(),
  }),
  NetworkSettings: z
    .looseObject({
      Ports: ZPortMap.nullish(),
      Networks: z
        .record(
          z.string(),
          z.looseObject({
            IPAddress: z.string().nullish(),
            Gateway: z.string().nullish(),
            MacAddress: z.string().nullish(),
            Aliases: strings,
            IPAMConfig: z.looseObject({ IPv4Address: z.string().nullish() }).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  Mounts: z
    .array(
      z.looseObject({
        Type: z.string().nullish(),
        Name: z.string().nullish(),
        Source: z.string().nullish(),
        Destination: z.string(),
        RW: z.boolean().nullish(),
      }),
    )
    .nullish(),
});
export type TContainerInspect = z.infer<typeof ZContainerInspect>;

export const ZContainerTop = z.object({
  titles: z.array(z.string()),
  processes: z.array(z.array(z.string())),
});
export type TContainerTop = z.infer<typeof ZContainerTop>;

export const ZContainerChange = z.object({
  path: z.string(),
  kind: z.enum(['modified', 'added', 'deleted']),
});
export type TContainerChange = z.infer<typeof ZContainerChange>;

export const BULK_ACTIONS = [
  'start',
  'stop',
  'restart',
  'kill',
  'pause',
  'unpause',
  'remove',
] as const;
export type TBulkAction = (typeof BULK_ACTIONS)[number];

export const ZBulkContainerRequest = z.object({
  action: z.enum(BULK_ACTIONS),
  /** stop and restart: seconds before the engine kills the container. */
  t: ZStopSeconds.optional(),
  /** kill: the signal. */
  signal: z
    .string()
    .regex(/^(SIG)?[A-Z0-9+-]+$|^\d{1,2}$/, 'a signal name like SIGTERM or KILL, or its number')
    .optional(),
  /** remove: even when running, and with anonymous volumes. */
  force: z.boolean().optional(),
  volumes: z.boolean().optional(),
  items: z
    .array(z.object({ hostId: z.string().min(1, 'required'), id: z.string().min(1, 'required') }))
    .min(1, 'at least one container')
    .max(500, 'at most 500 containers'),
});
export type TBulkContainerRequest = z.infer<typeof ZBulkContainerRequest>;

export const ZBulkItemResult = z.object({
  hostId: z.string(),
  id: z.string(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type TBulkItemResult = z.infer<typeof ZBulkItemResult>;

export const ZBulkContainerResponse = z.object({ results: z.array(ZBulkItemResult) });
export type TBulkContainerResponse = z.infer<typeof ZBulkContainerResponse>;

// --------------------------------------------------------- fleet summary ----

const ZContainerCounts = z.object({
  running: z.number(),
  paused: z.number(),
  stopped: z.number(),
  total: z.number(),
});
export type TContainerCounts = z.infer<typeof ZContainerCounts>;

export const ZHostSummary = z.object({
  hostId: z.string(),
  name: z.string(),
  status: ZHostStatus,
  /** The counts are as of `updatedAt` because Berth cannot follow the engine right now. */
  stale: z.boolean(),
  updatedAt: z.string().nullable(),
  containers: ZContainerCounts,
  /** Null until the engine has been asked once. */
  images: z.number().nullable(),
  volumes: z.number().nullable(),
  networks: z.number().nullable(),
  /**
   * When Berth last asked the engine for the host's images, volumes and networks (it does again a
   * moment after any of their engine events): the fleet lists hold every change made before then.
   * Null before the first listing.
   */
  resourcesListedAt: z.string().nullable(),
});
export type THostSummary = z.infer<typeof ZHostSummary>;

export const ZFleetSummary = z.object({
  hosts: z.object({ total: z.number(), up: z.number(), down: z.number() }),
  containers: ZContainerCounts,
  images: z.number(),
  volumes: z.number(),
  networks: z.number(),
  perHost: z.array(ZHostSummary),
  at: z.string(),
});
export type TFleetSummary = z.infer<typeof ZFleetSummary>;
