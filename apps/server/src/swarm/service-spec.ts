import {
  BERTH_LABELS,
  SECRET_MASK,
  type TServiceDetail,
  type TServiceSummary,
  type TServiceUpdateStatus,
  type TSwarmNode,
  type TSwarmTask,
  type ZCreateServiceRequest,
  type ZUpdateConfig,
} from '@berth/shared';
import type Docker from 'dockerode';
import type { z } from 'zod';
import type {
  EngineNode,
  EngineService,
  EngineServiceSpec,
  EngineTask,
} from '../docker/engine-swarm.js';
import { secretEnvNames } from '../containers/secret-env.js';

export type CreateServiceRequest = z.output<typeof ZCreateServiceRequest>;
type UpdateConfigRequest = z.output<typeof ZUpdateConfig>;

/** The engine counts durations in nanoseconds. */
const NS = 1_000_000_000;
const STACK_LABEL = 'com.docker.stack.namespace';

/** A swarm secret or config as the spec names it: the engine wants its id beside its name. */
export interface FileRefIds {
  secrets: Map<string, { id: string; name: string }>;
  configs: Map<string, { id: string; name: string }>;
}

/** The engine's service spec of a create request (secret and config names resolved to ids). */
export function serviceSpecOf(request: CreateServiceRequest, refs: FileRefIds): EngineServiceSpec {
  const secretNames = request.env.filter((v) => v.secret).map((v) => v.name);
  const labels: Record<string, string> = { ...request.labels };
  if (secretNames.length > 0) labels[BERTH_LABELS.secretEnv] = secretNames.join(',');
  const container: Docker.ContainerSpec = {
    Image: request.image,
    Env: request.env.map((v) => `${v.name}=${v.value}`),
    Labels: request.containerLabels,
    Mounts: request.mounts.map((m) => ({
      Type: m.type,
      Source: m.source ?? '',
      Target: m.target,
      ReadOnly: m.readOnly,
    })),
    Secrets: request.secrets.map((s) => {
      const found = refs.secrets.get(s.source)!;
      return {
        SecretID: found.id,
        SecretName: found.name,
        File: fileOf(s, found.name),
      };
    }),
    Configs: request.configs.map((c) => {
      const found = refs.configs.get(c.source)!;
      return {
        ConfigID: found.id,
        ConfigName: found.name,
        File: fileOf(c, found.name),
      };
    }),
  };
  if (request.command) container.Args = request.command;
  return {
    Name: request.name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: container,
      Networks: request.networks.map((target) => ({ Target: target })),
      Placement: {
        Constraints: request.constraints,
        Preferences: request.placementPreferences.map((descriptor) => ({
          Spread: { SpreadDescriptor: descriptor },
        })),
        ...(request.maxReplicasPerNode !== undefined
          ? { MaxReplicas: request.maxReplicasPerNode }
          : {}),
      },
      ...(request.resources ? { Resources: resourcesOf(request.resources) } : {}),
      ...(request.restartPolicy
        ? {
            RestartPolicy: {
              Condition: request.restartPolicy.condition,
              ...(request.restartPolicy.delaySeconds !== undefined
                ? { Delay: Math.round(request.restartPolicy.delaySeconds * NS) }
                : {}),
              ...(request.restartPolicy.maxAttempts !== undefined
                ? { MaxAttempts: request.restartPolicy.maxAttempts }
                : {}),
              ...(request.restartPolicy.windowSeconds !== undefined
                ? { Window: Math.round(request.restartPolicy.windowSeconds * NS) }
                : {}),
            },
          }
        : {}),
    },
    Mode:
      request.mode === 'global'
        ? { Global: {} }
        : { Replicated: { Replicas: request.replicas ?? 1 } },
    ...(request.updateConfig ? { UpdateConfig: engineUpdateConfig(request.updateConfig) } : {}),
    ...(request.rollbackConfig
      ? { RollbackConfig: engineUpdateConfig(request.rollbackConfig) }
      : {}),
    EndpointSpec: {
      Ports: request.ports.map((p) => ({
        Protocol: p.protocol,
        TargetPort: p.target,
        ...(p.published !== undefined ? { PublishedPort: p.published } : {}),
        PublishMode: p.mode,
      })),
    },
  };
}

function fileOf(
  ref: {
    target?: string | undefined;
    uid?: string | undefined;
    gid?: string | undefined;
    mode?: number | undefined;
  },
  name: string,
) {
  return {
    Name: ref.target ?? name,
    UID: ref.uid ?? '0',
    GID: ref.gid ?? '0',
    Mode: ref.mode ?? 0o444,
  };
}

type Resources = NonNullable<CreateServiceRequest['resources']>;

function resourcesOf(resources: Resources): Docker.ResourceRequirements {
  const side = (s: { cpus?: number | undefined; memory?: number | undefined } | undefined) =>
    s
      ? {
          ...(s.cpus !== undefined ? { NanoCPUs: Math.round(s.cpus * NS) } : {}),
          ...(s.memory !== undefined ? { MemoryBytes: s.memory } : {}),
        }
      : undefined;
  return {
    ...(resources.limits ? { Limits: side(resources.limits) } : {}),
    ...(resources.reservations ? { Reservations: side(resources.reservations) } : {}),
  };
}

export function engineUpdateConfig(config: UpdateConfigRequest): Docker.UpdateConfig {
  return {
    Parallelism: config.parallelism,
    Delay: Math.round(config.delaySeconds * NS),
    FailureAction: config.failureAction,
    Monitor: Math.round(config.monitorSeconds * NS),
    MaxFailureRatio: config.maxFailureRatio,
    Order: config.order,
  };
}

/** The image a service runs, without the digest the engine may have pinned it to. */
export function imageOf(spec: EngineServiceSpec | undefined): string {
  const image = containerSpecOf(spec)?.Image ?? '';
  const at = image.indexOf('@sha256:');
  return at === -1 ? image : image.slice(0, at);
}

function containerSpecOf(spec: EngineServiceSpec | undefined): Docker.ContainerSpec | undefined {
  const template: Docker.TaskSpec | undefined = spec?.TaskTemplate;
  return template && 'ContainerSpec' in template ? template.ContainerSpec : undefined;
}

function updateStatusOf(service: EngineService): TServiceUpdateStatus | null {
  const status = service.UpdateStatus;
  if (!status?.State) return null;
  return {
    state: status.State,
    message: status.Message || null,
    startedAt: status.StartedAt || null,
    completedAt: status.CompletedAt || null,
  };
}

/** A service as the fleet list shows it; `running` from the engine's task count (`status=true`). */
export function serviceSummaryOf(
  host: { hostId: string; name: string },
  service: EngineService,
  running?: number,
): TServiceSummary {
  const spec = service.Spec;
  const global = spec?.Mode?.Global !== undefined;
  const labels = spec?.Labels ?? {};
  const ports = (service.Endpoint?.Ports ?? spec?.EndpointSpec?.Ports ?? []).map((p) => ({
    published: p.PublishedPort ?? null,
    target: p.TargetPort ?? 0,
    protocol: p.Protocol ?? 'tcp',
    mode: p.PublishMode ?? 'ingress',
  }));
  return {
    id: service.ID,
    hostId: host.hostId,
    hostName: host.name,
    name: spec?.Name ?? service.ID,
    image: imageOf(spec),
    mode: global ? 'global' : 'replicated',
    replicas: {
      running: running ?? service.ServiceStatus?.RunningTasks ?? 0,
      desired: global
        ? (service.ServiceStatus?.DesiredTasks ?? 0)
        : (spec?.Mode?.Replicated?.Replicas ?? 0),
    },
    ports,
    updateStatus: updateStatusOf(service),
    stack: labels[STACK_LABEL] ?? null,
    labels,
    createdAt: service.CreatedAt ?? '',
    updatedAt: service.UpdatedAt ?? '',
  };
}

/** A copy of a spec in which the env values of variables marked secret read `********`. */
export function maskedSpec(spec: EngineServiceSpec | undefined): EngineServiceSpec | undefined {
  if (!spec) return spec;
  const secret = secretEnvNames(spec.Labels);
  const container = containerSpecOf(spec);
  if (!container?.Env || secret.size === 0) return spec;
  const env = container.Env.map((entry) => {
    const name = entry.includes('=') ? entry.slice(0, entry.indexOf('=')) : entry;
    return secret.has(name) ? `${name}=${SECRET_MASK}` : entry;
  });
  return {
    ...spec,
    TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { ...container, Env: env } },
  };
}

export function serviceDetailOf(
  host: { hostId: string; name: string },
  service: EngineService,
  networkNames: Map<string, string>,
  running: number,
): TServiceDetail {
  const spec = maskedSpec(service.Spec);
  const secret = secretEnvNames(service.Spec?.Labels);
  const container = containerSpecOf(spec);
  const template = spec?.TaskTemplate;
  return {
    ...serviceSummaryOf(host, service, running),
    env: (container?.Env ?? []).map((entry) => {
      const eq = entry.indexOf('=');
      const name = eq === -1 ? entry : entry.slice(0, eq);
      return { name, value: eq === -1 ? '' : entry.slice(eq + 1), secret: secret.has(name) };
    }),
    command: container?.Args ?? container?.Command ?? null,
    networks: (template?.Networks ?? spec?.Networks ?? []).map((n) => ({
      id: n.Target ?? '',
      name: networkNames.get(n.Target ?? '') ?? null,
    })),
    constraints: template?.Placement?.Constraints ?? [],
    updateConfig: (spec?.UpdateConfig as Record<string, unknown> | undefined) ?? null,
    rollbackConfig: (spec?.RollbackConfig as Record<string, unknown> | undefined) ?? null,
    version: service.Version?.Index ?? 0,
    spec: (spec ?? {}) as Record<string, unknown>,
    previousSpec: (maskedSpec(service.PreviousSpec) as Record<string, unknown> | undefined) ?? null,
  };
}

export function nodeOf(node: EngineNode, selfId: string | undefined): TSwarmNode {
  const cpus = node.Description?.Resources?.NanoCPUs;
  return {
    id: node.ID,
    hostname: node.Description?.Hostname ?? node.ID,
    role: node.Spec?.Role ?? 'worker',
    availability: node.Spec?.Availability ?? 'active',
    state: node.Status?.State ?? 'unknown',
    message: node.Status?.Message || null,
    engineVersion: node.Description?.Engine?.EngineVersion ?? null,
    labels: node.Spec?.Labels ?? {},
    address: node.ManagerStatus?.Addr?.replace(/:\d+$/, '') ?? node.Status?.Addr ?? null,
    leader: node.ManagerStatus?.Leader === true,
    reachability: node.ManagerStatus?.Reachability ?? null,
    self: node.ID === selfId,
    os: node.Description?.Platform?.OS ?? null,
    architecture: node.Description?.Platform?.Architecture ?? null,
    cpus: cpus === undefined ? null : cpus / NS,
    memoryBytes: node.Description?.Resources?.MemoryBytes ?? null,
    version: node.Version?.Index ?? 0,
    createdAt: node.CreatedAt ?? '',
    updatedAt: node.UpdatedAt ?? '',
  };
}

export function taskOf(
  task: EngineTask,
  hostnames: Map<string, string>,
  serviceNames: Map<string, string>,
): TSwarmTask {
  const image = task.Spec?.ContainerSpec?.Image ?? '';
  const at = image.indexOf('@sha256:');
  return {
    id: task.ID,
    serviceId: task.ServiceID,
    serviceName: serviceNames.get(task.ServiceID) ?? null,
    nodeId: task.NodeID || null,
    nodeHostname: task.NodeID ? (hostnames.get(task.NodeID) ?? null) : null,
    slot: task.Slot ?? null,
    state: task.Status?.State ?? 'unknown',
    desiredState: task.DesiredState ?? 'unknown',
    message: task.Status?.Message || null,
    error: task.Status?.Err || null,
    containerId: task.Status?.ContainerStatus?.ContainerID || null,
    exitCode: task.Status?.ContainerStatus?.ExitCode ?? null,
    image: at === -1 ? image : image.slice(0, at),
    createdAt: task.CreatedAt ?? '',
    updatedAt: task.Status?.Timestamp ?? task.UpdatedAt ?? '',
  };
}

/** Newest first; a task's replacement (same slot) before it. */
export function byNewest(a: TSwarmTask, b: TSwarmTask): number {
  return b.createdAt.localeCompare(a.createdAt) || (a.slot ?? 0) - (b.slot ?? 0);
}
