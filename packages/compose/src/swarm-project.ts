import { posix } from 'node:path';
import { z } from 'zod';
import { type ComposeIssue } from './compose-issue.js';
import { issueAt } from './interpolate-tree.js';
import { type LoadOptions, loadProject } from './load-project.js';
import type { ComposeProject } from './model.js';
import { parseShortPort } from './short-syntax.js';
import { type PathSegment } from './source-map.js';
import * as S from './subset-schema.js';
import { parseDuration } from './units.js';

/**
 * Service keys a swarm ignores (`docker stack deploy` drops them with a warning) or cannot run:
 * here they are errors at their line, never silently dropped.
 */
const NOT_IN_SWARM = {
  build: true,
  container_name: true,
  depends_on: true,
  restart: true,
  privileged: true,
  devices: true,
  network_mode: true,
  pid: true,
  ipc: true,
  security_opt: true,
  pull_policy: true,
  expose: true,
  shm_size: true,
  domainname: true,
} as const;

const updateSettings = <A extends [string, ...string[]]>(failureActions: A) =>
  S.strict({
    parallelism: S.int.min(0).optional(),
    delay: S.duration.optional(),
    failure_action: z.enum(failureActions).optional(),
    monitor: S.duration.optional(),
    max_failure_ratio: z.number().min(0).max(1).optional(),
    order: z.enum(['stop-first', 'start-first']).optional(),
  });

const swarmDeploy = S.strict({
  mode: z.enum(['replicated', 'global']).optional(),
  replicas: S.int.min(0).optional(),
  labels: S.listOrDict.optional(),
  endpoint_mode: z.enum(['vip', 'dnsrr']).optional(),
  placement: S.strict({
    constraints: z.array(S.str).optional(),
    preferences: z.array(S.strict({ spread: S.str })).optional(),
    max_replicas_per_node: S.int.min(0).optional(),
  }).optional(),
  resources: S.strict({
    limits: S.resources.optional(),
    reservations: S.resources.optional(),
  }).optional(),
  restart_policy: S.strict({
    condition: z.enum(['none', 'on-failure', 'any']).optional(),
    delay: S.duration.optional(),
    max_attempts: S.int.min(0).optional(),
    window: S.duration.optional(),
  }).optional(),
  update_config: updateSettings(['continue', 'rollback', 'pause']).optional(),
  rollback_config: updateSettings(['continue', 'pause']).optional(),
});

const swarmService = S.service
  .omit(NOT_IN_SWARM)
  .extend({ deploy: swarmDeploy.nullable().optional() });

const oneSource = (o: {
  file?: string;
  environment?: string;
  external?: boolean;
  content?: string;
}) =>
  [
    o.file !== undefined,
    o.environment !== undefined,
    o.external === true,
    o.content !== undefined,
  ].filter(Boolean).length === 1;

const secretObject = S.strict({
  file: S.str.optional(),
  environment: S.str.optional(),
  external: S.bool.optional(),
  name: S.str.optional(),
  labels: S.listOrDict.optional(),
}).refine(oneSource, 'needs one of file, environment or external: true');

const configObject = S.strict({
  file: S.str.optional(),
  environment: S.str.optional(),
  content: S.str.optional(),
  external: S.bool.optional(),
  name: S.str.optional(),
  labels: S.listOrDict.optional(),
}).refine(oneSource, 'needs one of file, environment, content or external: true');

/** What a swarm stack's compose file may hold: Berth's subset, with swarm's `deploy:` keys. */
const ZSwarmSubset = S.strict({
  name: S.str.optional(),
  version: S.str.optional(),
  services: z.record(S.str, swarmService.nullable()).optional(),
  networks: z.record(S.str, S.network).optional(),
  volumes: z.record(S.str, S.volume).optional(),
  secrets: z.record(S.str, secretObject).optional(),
  configs: z.record(S.str, configObject).optional(),
});
type RawSwarm = z.infer<typeof ZSwarmSubset>;
type RawDeploy = NonNullable<NonNullable<NonNullable<RawSwarm['services']>[string]>['deploy']>;

export interface SwarmUpdateSettings {
  parallelism?: number;
  delayNs?: number;
  failureAction?: string;
  monitorNs?: number;
  maxFailureRatio?: number;
  order?: 'stop-first' | 'start-first';
}

/** A service's `deploy:` as a swarm reads it, durations in nanoseconds. */
export interface SwarmDeploy {
  mode: 'replicated' | 'global';
  /** Replicas of a replicated service (1 when not given). */
  replicas: number;
  /** Labels of the service itself (`deploy.labels`; `labels` go on its containers). */
  labels: Record<string, string>;
  endpointMode?: 'vip' | 'dnsrr';
  constraints: string[];
  /** Spread preferences, each a node label or attribute (`node.labels.zone`). */
  spread: string[];
  maxReplicasPerNode?: number;
  restartPolicy?: {
    condition?: 'none' | 'on-failure' | 'any';
    delayNs?: number;
    maxAttempts?: number;
    windowNs?: number;
  };
  updateConfig?: SwarmUpdateSettings;
  rollbackConfig?: SwarmUpdateSettings;
}

/** A secret or config of the stack: made as `name` from `content`, or an external one used. */
export interface SwarmFileObject {
  name: string;
  external: boolean;
  labels: Record<string, string>;
  /** The content (absent for an external object). */
  content?: string;
}

export interface SwarmProject {
  project: ComposeProject;
  deploy: Record<string, SwarmDeploy>;
  secrets: Record<string, SwarmFileObject>;
  configs: Record<string, SwarmFileObject>;
}

export type SwarmLoadResult =
  | { ok: true; swarm: SwarmProject; warnings: string[] }
  | { ok: false; issues: ComposeIssue[]; warnings: string[] };

/**
 * Loads a compose file as a swarm stack (`docker stack deploy`): the same loader as single-host
 * stacks (interpolation, `extends`, merge, the specification's schema), checked against what a
 * swarm stack can have, with `deploy:` read for the swarm and the content of each secret and
 * config resolved (`file:` through `readFile`, `environment:` from the variables).
 */
export function loadSwarmProject(options: Omit<LoadOptions, 'subset'>): SwarmLoadResult {
  let raw: RawSwarm | undefined;
  let tree: unknown;
  const result = loadProject({
    ...options,
    subset: {
      schema: ZSwarmSubset,
      unsupported: (key) => `${key} is not supported in a swarm stack`,
      read: (stripped, merged) => {
        raw = ZSwarmSubset.parse(stripped);
        tree = merged;
        return singleHostView(raw);
      },
    },
  });
  if (!result.ok || !raw) return result.ok ? { ok: false, issues: [], warnings: [] } : result;
  const issues: ComposeIssue[] = [];
  const report = (path: PathSegment[], message: string) =>
    issues.push(issueAt(tree, undefined, path, message));
  const { project } = result;
  const deploy: Record<string, SwarmDeploy> = {};
  for (const name of Object.keys(project.services)) {
    const service = raw.services?.[name] ?? {};
    deploy[name] = readDeploy(service.deploy ?? {}, (path, message) =>
      report(['services', name, 'deploy', ...path], message),
    );
    checkService(name, service, report);
  }
  for (const [key, network] of Object.entries(raw.networks ?? {})) {
    if (network?.driver !== undefined && network.driver !== 'overlay' && !network.external) {
      report(['networks', key, 'driver'], 'a swarm stack network must use the overlay driver');
    }
  }
  const lookup = options.environment ?? {};
  const readFile = options.readFile ?? (() => undefined);
  const objects = (kind: 'secrets' | 'configs') =>
    Object.fromEntries(
      Object.entries(raw?.[kind] ?? {}).map(([key, item]) => {
        const at = (field: string) => [kind, key, field];
        const object: SwarmFileObject = {
          name: item.name ?? (item.external ? key : `${project.name}_${key}`),
          external: item.external ?? false,
          labels: dictionary(item.labels),
        };
        if (item.file !== undefined) {
          const content = readFile(posix.resolve(project.workingDir, item.file));
          if (content === undefined) report(at('file'), `file ${item.file} was not given`);
          else object.content = content;
        } else if (item.environment !== undefined) {
          const content = lookup[item.environment];
          if (content === undefined) {
            report(at('environment'), `variable ${item.environment} is not set`);
          } else object.content = content;
        } else if ('content' in item && typeof item.content === 'string') {
          object.content = item.content;
        }
        return [key, object];
      }),
    );
  const secrets = objects('secrets');
  const configs = objects('configs');
  if (issues.length > 0) {
    return { ok: false, issues: issues.sort((a, b) => a.line - b.line), warnings: result.warnings };
  }
  return { ok: true, swarm: { project, deploy, secrets, configs }, warnings: result.warnings };
}

/** The swarm tree as the single-host normaliser reads it (swarm-only keys are read here). */
function singleHostView(raw: RawSwarm): S.RawCompose {
  const files = (items: RawSwarm['secrets']) =>
    Object.fromEntries(
      Object.entries(items ?? {}).map(([key, item]) => [
        key,
        { file: item.file ?? '/dev/null', ...(item.name ? { name: item.name } : {}) },
      ]),
    );
  return {
    ...raw,
    services: Object.fromEntries(
      Object.entries(raw.services ?? {}).map(([name, service]) => [
        name,
        service && {
          ...service,
          deploy: service.deploy && {
            ...(service.deploy.replicas !== undefined ? { replicas: service.deploy.replicas } : {}),
            ...(service.deploy.resources ? { resources: service.deploy.resources } : {}),
          },
        },
      ]),
    ),
    secrets: files(raw.secrets),
    configs: files(raw.configs),
  };
}

type Report = (path: PathSegment[], message: string) => void;

function readDeploy(d: RawDeploy, report: Report): SwarmDeploy {
  const mode = d.mode ?? 'replicated';
  if (mode === 'global' && d.replicas !== undefined) {
    report(['replicas'], 'cannot be set for a service in global mode');
  }
  const placement = d.placement ?? {};
  return {
    mode,
    replicas: d.replicas ?? 1,
    labels: dictionary(d.labels),
    ...(d.endpoint_mode ? { endpointMode: d.endpoint_mode } : {}),
    constraints: placement.constraints ?? [],
    spread: (placement.preferences ?? []).map((p) => p.spread),
    ...(placement.max_replicas_per_node !== undefined
      ? { maxReplicasPerNode: placement.max_replicas_per_node }
      : {}),
    ...(d.restart_policy
      ? {
          restartPolicy: {
            ...(d.restart_policy.condition ? { condition: d.restart_policy.condition } : {}),
            ...nanos('delayNs', d.restart_policy.delay),
            ...(d.restart_policy.max_attempts !== undefined
              ? { maxAttempts: d.restart_policy.max_attempts }
              : {}),
            ...nanos('windowNs', d.restart_policy.window),
          },
        }
      : {}),
    ...(d.update_config ? { updateConfig: readUpdate(d.update_config) } : {}),
    ...(d.rollback_config ? { rollbackConfig: readUpdate(d.rollback_config) } : {}),
  };
}

function readUpdate(u: NonNullable<RawDeploy['update_config']>): SwarmUpdateSettings {
  return {
    ...(u.parallelism !== undefined ? { parallelism: u.parallelism } : {}),
    ...nanos('delayNs', u.delay),
    ...(u.failure_action ? { failureAction: u.failure_action } : {}),
    ...nanos('monitorNs', u.monitor),
    ...(u.max_failure_ratio !== undefined ? { maxFailureRatio: u.max_failure_ratio } : {}),
    ...(u.order ? { order: u.order } : {}),
  };
}

function nanos<K extends string>(key: K, value: string | number | undefined) {
  const parsed = value === undefined ? undefined : parseDuration(value);
  return parsed === undefined ? {} : ({ [key]: parsed } as Record<K, number>);
}

/** A swarm publishes one port for each target port; it picks none from a range. */
const PORT_RANGE =
  'a range of published ports for one target port is not supported in a swarm stack; give one port';

/** What a swarm service cannot have that the schema alone does not catch. */
function checkService(
  name: string,
  service: NonNullable<NonNullable<RawSwarm['services']>[string]>,
  report: Report,
): void {
  const at = (...rest: PathSegment[]): PathSegment[] => ['services', name, ...rest];
  if (!Array.isArray(service.networks)) {
    for (const [key, settings] of Object.entries(service.networks ?? {})) {
      for (const field of ['ipv4_address', 'ipv6_address'] as const) {
        if (settings?.[field] !== undefined) {
          report(at('networks', key, field), `${field} is not supported in a swarm stack`);
        }
      }
    }
  }
  (service.ports ?? []).forEach((port, i) => {
    if (typeof port === 'object') {
      if (port.host_ip !== undefined) {
        report(at('ports', i, 'host_ip'), 'host_ip is not supported in a swarm stack');
      }
      if (String(port.published ?? '').includes('-')) {
        report(at('ports', i, 'published'), PORT_RANGE);
      }
      return;
    }
    // The short form: a host address, or a range of published ports for one target port.
    for (const parsed of parseShortPort(port) ?? []) {
      if (parsed.host_ip !== undefined) {
        report(at('ports', i), 'a host address is not supported in a swarm stack');
        return;
      }
      if (parsed.published?.includes('-')) {
        report(at('ports', i), PORT_RANGE);
        return;
      }
    }
  });
}

function dictionary(value: z.infer<typeof S.listOrDict> | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, item === null ? '' : String(item)]),
  );
}
