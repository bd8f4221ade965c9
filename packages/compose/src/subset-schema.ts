import { z } from 'zod';
import { parseShortPort, parseShortVolume } from './short-syntax.js';
import { parseBytes, parseDuration } from './units.js';

/**
 * The part of the Compose Specification that Berth deploys. It validates the merged,
 * interpolated tree (short and long forms both allowed); a key that the specification allows but
 * Berth does not implement is reported, never ignored. `x-` extension keys are removed before.
 * Keep the README's "Compose subset" section in step with this file.
 */
export const strict = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);

export const str = z.string();
export const int = z.number().int();
export const bool = z.boolean();
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const nullableScalar = z.union([scalar, z.null()]);
const stringOrList = z.union([str, z.array(str)]);
export const listOrDict = z.union([z.record(str, nullableScalar), z.array(str)]);
export const duration = z
  .union([str, int])
  .refine((value) => parseDuration(value) !== undefined, 'must be a duration such as 1m30s');
export const bytes = z
  .union([str, int])
  .refine((value) => parseBytes(value) !== undefined, 'must be a size such as 512m or 1g');
const command = z.union([str, z.array(str), z.null()]);

const port = z.union([
  z
    .union([str, int])
    .refine((value) => parseShortPort(value) !== undefined, 'must be a port such as 8080:80/tcp'),
  strict({
    name: str.optional(),
    target: int,
    published: z.union([str, int]).optional(),
    host_ip: str.optional(),
    protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
    app_protocol: str.optional(),
    mode: z.enum(['host', 'ingress']).optional(),
  }),
]);

const serviceVolume = z.union([
  str.refine(
    (value) => parseShortVolume(value) !== undefined,
    'must be [SOURCE:]TARGET[:ro|rw|z|Z|nocopy|propagation]',
  ),
  strict({
    type: z.enum(['volume', 'bind', 'tmpfs']),
    source: str.optional(),
    target: str,
    read_only: bool.optional(),
    consistency: str.optional(),
    bind: strict({
      propagation: z
        .enum(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'])
        .optional(),
      create_host_path: bool.optional(),
      selinux: z.enum(['z', 'Z']).optional(),
    }).optional(),
    volume: strict({ nocopy: bool.optional(), subpath: str.optional() }).optional(),
    tmpfs: strict({ size: bytes.optional(), mode: z.union([int, str]).optional() }).optional(),
  }),
]);

const fileReference = z.union([
  str,
  strict({
    source: str,
    target: str.optional(),
    uid: str.optional(),
    gid: str.optional(),
    mode: z.union([int, str]).optional(),
  }),
]);

export const resources = strict({
  cpus: z.union([z.number(), str]).optional(),
  memory: bytes.optional(),
  pids: int.optional(),
});

const healthcheck = strict({
  test: z.union([str, z.array(str)]).optional(),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: int.optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
  disable: bool.optional(),
});

const ulimit = z.union([int, strict({ soft: int, hard: int })]);

export const service = strict({
  image: str.optional(),
  build: z
    .union([
      str,
      strict({
        context: str.optional(),
        dockerfile: str.optional(),
        args: listOrDict.optional(),
        target: str.optional(),
      }),
    ])
    .optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  environment: listOrDict.optional(),
  env_file: z
    .union([
      str,
      z.array(
        z.union([
          str,
          strict({ path: str, required: bool.optional(), format: z.literal('raw').optional() }),
        ]),
      ),
    ])
    .optional(),
  ports: z.array(port).optional(),
  expose: z.array(z.union([str, int])).optional(),
  volumes: z.array(serviceVolume).optional(),
  networks: z
    .union([
      z.array(str),
      z.record(
        str,
        z.union([
          z.null(),
          strict({
            aliases: z.array(str).optional(),
            ipv4_address: str.optional(),
            ipv6_address: str.optional(),
          }),
        ]),
      ),
    ])
    .optional(),
  network_mode: str.optional(),
  depends_on: z
    .union([
      z.array(str),
      z.record(
        str,
        strict({
          condition: z.enum([
            'service_started',
            'service_healthy',
            'service_completed_successfully',
          ]),
          required: bool.optional(),
          restart: bool.optional(),
        }),
      ),
    ])
    .optional(),
  healthcheck: healthcheck.optional(),
  restart: z
    .string()
    .regex(/^(no|always|unless-stopped|on-failure(:\d+)?)$/, {
      error: 'must be no, always, unless-stopped or on-failure[:max-retries]',
    })
    .optional(),
  deploy: strict({
    replicas: int.min(0).optional(),
    resources: strict({
      limits: resources.optional(),
      reservations: resources.optional(),
    }).optional(),
  })
    .nullable()
    .optional(),
  labels: listOrDict.optional(),
  user: str.optional(),
  working_dir: str.optional(),
  cap_add: z.array(str).optional(),
  cap_drop: z.array(str).optional(),
  privileged: bool.optional(),
  devices: z
    .array(
      z.union([str, strict({ source: str, target: str.optional(), permissions: str.optional() })]),
    )
    .optional(),
  logging: strict({
    driver: str.optional(),
    options: z
      .record(str, z.union([str, z.number(), z.null()]))
      .nullable()
      .optional(),
  }).optional(),
  hostname: str.optional(),
  domainname: str.optional(),
  extra_hosts: z.union([z.array(str), z.record(str, stringOrList)]).optional(),
  dns: stringOrList.optional(),
  stop_signal: str.optional(),
  stop_grace_period: duration.optional(),
  init: bool.optional(),
  tty: bool.optional(),
  stdin_open: bool.optional(),
  read_only: bool.optional(),
  shm_size: bytes.optional(),
  ulimits: z.record(str, ulimit).optional(),
  sysctls: listOrDict.optional(),
  security_opt: z.array(str).optional(),
  pid: z.union([str, z.null()]).optional(),
  ipc: str.optional(),
  profiles: z.array(str).optional(),
  pull_policy: z.enum(['always', 'never', 'missing', 'if_not_present', 'build']).optional(),
  container_name: str.optional(),
  secrets: z.array(fileReference).optional(),
  configs: z.array(fileReference).optional(),
});

const external = bool.optional();

export const network = strict({
  name: str.optional(),
  driver: str.optional(),
  driver_opts: z.record(str, z.union([str, z.number()])).optional(),
  ipam: strict({
    driver: str.optional(),
    config: z
      .array(
        strict({
          subnet: str.optional(),
          ip_range: str.optional(),
          gateway: str.optional(),
          aux_addresses: z.record(str, str).optional(),
        }),
      )
      .optional(),
    options: z.record(str, str).optional(),
  }).optional(),
  internal: bool.optional(),
  attachable: bool.optional(),
  enable_ipv6: bool.optional(),
  external,
  labels: listOrDict.optional(),
}).nullable();

export const volume = strict({
  name: str.optional(),
  driver: str.optional(),
  driver_opts: z.record(str, z.union([str, z.number()])).optional(),
  external,
  labels: listOrDict.optional(),
}).nullable();

const fileObject = strict({ file: str, name: str.optional() });

export const ZComposeSubset = strict({
  name: str.optional(),
  version: str.optional(),
  services: z.record(str, service.nullable()).optional(),
  networks: z.record(str, network).optional(),
  volumes: z.record(str, volume).optional(),
  secrets: z.record(str, fileObject).optional(),
  configs: z.record(str, fileObject).optional(),
});

/** The project as the normaliser reads it. */
export type RawCompose = z.infer<typeof ZComposeSubset>;

/**
 * What a project is checked against and how it is read, when it is not a single-host project
 * (`LoadOptions.subset`): its schema, the message for a key outside it, and the parse of the
 * checked tree into what the normaliser reads (`tree` keeps the lines, for further problems).
 */
export interface SubsetTarget {
  schema: z.ZodType;
  unsupported: (key: string) => string;
  read: (stripped: unknown, tree: unknown) => RawCompose;
}
