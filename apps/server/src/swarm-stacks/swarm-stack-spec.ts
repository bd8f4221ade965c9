import { createHash } from 'node:crypto';
import type { ServiceSpec, SwarmProject, SwarmUpdateSettings, VolumeMount } from '@berth/compose';
import { canonicalJson } from '@berth/compose';
import type { EngineFileReference, EngineServiceSpec } from './swarm-api.js';
import { STACK_NAMESPACE } from './swarm-objects.service.js';

/** A service label holding the hash of the spec Berth sent, so an unchanged service is left alone. */
export const SPEC_HASH_LABEL = 'berth.swarm.spec-hash';
const STACK_IMAGE_LABEL = 'com.docker.stack.image';
const SECRETS_DIR = '/run/secrets/';

/** A network the stack makes (or an external one it uses). */
export interface StackNetwork {
  key: string;
  name: string;
  external: boolean;
  body: Record<string, unknown>;
}

/** The ids of the stack's secrets and configs by their key in the file, once they exist. */
export interface ObjectIds {
  secrets: Record<string, { id: string; name: string }>;
  configs: Record<string, { id: string; name: string }>;
}

/** The networks the services of the stack are on, as `docker stack deploy` makes them. */
export function stackNetworks(swarm: SwarmProject): StackNetwork[] {
  const { project } = swarm;
  const used = new Set(Object.values(project.services).flatMap((s) => Object.keys(s.networks)));
  return [...used].flatMap((key) => {
    const network = project.networks[key];
    if (!network) return [];
    const name = network.external ? network.name : `${project.name}_${key}`;
    return [
      {
        key,
        name,
        external: network.external,
        body: {
          Name: name,
          Driver: network.driver ?? 'overlay',
          Scope: 'swarm',
          Internal: network.internal,
          Attachable: network.attachable,
          Options: network.driverOpts,
          Labels: { ...network.labels, [STACK_NAMESPACE]: project.name },
          ...(network.ipam
            ? {
                IPAM: {
                  Driver: network.ipam.driver ?? 'default',
                  Options: network.ipam.options,
                  Config: network.ipam.config.map((c) => ({
                    ...(c.subnet ? { Subnet: c.subnet } : {}),
                    ...(c.ipRange ? { IPRange: c.ipRange } : {}),
                    ...(c.gateway ? { Gateway: c.gateway } : {}),
                    AuxiliaryAddresses: c.auxAddresses,
                  })),
                },
              }
            : {}),
        },
      },
    ];
  });
}

/** The engine's spec of one service of the stack, with the hash of it in its labels. */
export function serviceSpec(swarm: SwarmProject, name: string, ids: ObjectIds): EngineServiceSpec {
  const { project } = swarm;
  const service = project.services[name];
  const deploy = swarm.deploy[name];
  if (!service || !deploy) throw new Error(`no service ${name}`);
  const image = service.image ?? '';
  const stack = { [STACK_NAMESPACE]: project.name };
  const networks = stackNetworks(swarm);
  const spec: EngineServiceSpec = {
    Name: `${project.name}_${name}`,
    Labels: { ...deploy.labels, ...stack, [STACK_IMAGE_LABEL]: image },
    TaskTemplate: {
      ContainerSpec: containerSpec(service, image, stack, swarm, ids),
      Resources: {
        Limits: resources(service.resources.limits, true),
        Reservations: resources(service.resources.reservations, false),
      },
      ...(deploy.restartPolicy
        ? {
            RestartPolicy: defined({
              Condition: deploy.restartPolicy.condition,
              Delay: deploy.restartPolicy.delayNs,
              MaxAttempts: deploy.restartPolicy.maxAttempts,
              Window: deploy.restartPolicy.windowNs,
            }),
          }
        : {}),
      Placement: defined({
        Constraints: deploy.constraints,
        Preferences: deploy.spread.map((descriptor) => ({
          Spread: { SpreadDescriptor: descriptor },
        })),
        MaxReplicas: deploy.maxReplicasPerNode,
      }),
      Networks: Object.entries(service.networks).flatMap(([key, settings]) => {
        const network = networks.find((n) => n.key === key);
        return network ? [{ Target: network.name, Aliases: [name, ...settings.aliases] }] : [];
      }),
      ...(service.logging?.driver
        ? { LogDriver: { Name: service.logging.driver, Options: service.logging.options } }
        : {}),
      ForceUpdate: 0,
    },
    Mode: deploy.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: deploy.replicas } },
    ...(deploy.updateConfig ? { UpdateConfig: updateConfig(deploy.updateConfig) } : {}),
    ...(deploy.rollbackConfig ? { RollbackConfig: updateConfig(deploy.rollbackConfig) } : {}),
    EndpointSpec: {
      Mode: deploy.endpointMode ?? 'vip',
      Ports: service.ports.flatMap((port) => {
        const published = port.published === undefined ? undefined : Number(port.published);
        return [
          defined({
            Name: port.name,
            Protocol: port.protocol,
            TargetPort: port.target,
            PublishedPort: Number.isInteger(published) ? published : undefined,
            PublishMode: port.mode,
          }),
        ];
      }),
    },
  };
  spec.Labels = { ...spec.Labels, [SPEC_HASH_LABEL]: specHash(spec) };
  return spec;
}

/** The hash of a spec without its hash label: equal specs, equal hashes. */
export function specHash(spec: EngineServiceSpec): string {
  const { [SPEC_HASH_LABEL]: _, ...labels } = spec.Labels ?? {};
  return createHash('sha256')
    .update(canonicalJson({ ...spec, Labels: labels }))
    .digest('hex')
    .slice(0, 32);
}

function containerSpec(
  service: ServiceSpec,
  image: string,
  stack: Record<string, string>,
  swarm: SwarmProject,
  ids: ObjectIds,
): NonNullable<EngineServiceSpec['TaskTemplate']['ContainerSpec']> {
  return defined({
    Image: image,
    Labels: { ...service.labels, ...stack },
    // A swarm's Command is the image's entrypoint, Args its command (as `docker stack` maps them).
    Command: service.entrypoint,
    Args: service.command,
    Hostname: service.hostname,
    Env: Object.entries(service.environment)
      .map(([key, value]) => `${key}=${value}`)
      .sort(),
    Dir: service.workingDir,
    User: service.user,
    Mounts: service.volumes.map((mount) => mountOf(mount, swarm, stack)),
    StopGracePeriod: service.stopGracePeriodNs,
    StopSignal: service.stopSignal,
    TTY: service.tty || undefined,
    OpenStdin: service.stdinOpen || undefined,
    ReadOnly: service.readOnly || undefined,
    Init: service.init,
    Healthcheck: service.healthcheck
      ? defined({
          Test: service.healthcheck.test,
          Interval: service.healthcheck.intervalNs,
          Timeout: service.healthcheck.timeoutNs,
          StartPeriod: service.healthcheck.startPeriodNs,
          Retries: service.healthcheck.retries,
        })
      : undefined,
    // Swarm takes `IP host` where a container takes `host:IP`.
    Hosts: service.extraHosts.map((entry) => {
      const colon = entry.indexOf(':');
      return `${entry.slice(colon + 1)} ${entry.slice(0, colon)}`;
    }),
    DNSConfig: service.dns.length > 0 ? { Nameservers: service.dns } : undefined,
    Sysctls: Object.keys(service.sysctls).length > 0 ? service.sysctls : undefined,
    CapabilityAdd: service.capAdd.length > 0 ? service.capAdd : undefined,
    CapabilityDrop: service.capDrop.length > 0 ? service.capDrop : undefined,
    Ulimits: Object.entries(service.ulimits).map(([name, limit]) => ({
      Name: name,
      Soft: limit.soft,
      Hard: limit.hard,
    })),
    Secrets: service.secrets.map((ref): EngineFileReference => {
      const object = ids.secrets[ref.source];
      return {
        File: fileOf(
          ref,
          ref.target.startsWith(SECRETS_DIR) ? ref.target.slice(SECRETS_DIR.length) : ref.target,
        ),
        SecretID: object?.id ?? '',
        SecretName: object?.name ?? ref.source,
      };
    }),
    Configs: service.configs.map((ref): EngineFileReference => {
      const object = ids.configs[ref.source];
      return {
        File: fileOf(ref, ref.target),
        ConfigID: object?.id ?? '',
        ConfigName: object?.name ?? ref.source,
      };
    }),
  });
}

function fileOf(
  ref: ServiceSpec['secrets'][number],
  name: string,
): NonNullable<EngineFileReference['File']> {
  return { Name: name, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: ref.mode ?? 0o444 };
}

function mountOf(
  mount: VolumeMount,
  swarm: SwarmProject,
  stack: Record<string, string>,
): Record<string, unknown> {
  switch (mount.type) {
    case 'volume': {
      const volume = mount.source ? swarm.project.volumes[mount.source] : undefined;
      return defined({
        Type: 'volume',
        Source: volume?.name,
        Target: mount.target,
        ReadOnly: mount.readOnly || undefined,
        VolumeOptions: defined({
          NoCopy: mount.nocopy || undefined,
          Labels: { ...volume?.labels, ...stack },
          DriverConfig: volume?.driver
            ? { Name: volume.driver, Options: volume.driverOpts }
            : undefined,
        }),
      });
    }
    case 'bind':
      return defined({
        Type: 'bind',
        Source: mount.source,
        Target: mount.target,
        ReadOnly: mount.readOnly || undefined,
        BindOptions: mount.propagation ? { Propagation: mount.propagation } : undefined,
      });
    case 'tmpfs':
      return defined({
        Type: 'tmpfs',
        Target: mount.target,
        ReadOnly: mount.readOnly || undefined,
        TmpfsOptions: defined({ SizeBytes: mount.sizeBytes, Mode: mount.mode }),
      });
  }
}

function resources(r: ServiceSpec['resources']['limits'], limits: boolean): Record<string, number> {
  return defined({
    NanoCPUs: r.cpus === undefined ? undefined : Math.round(r.cpus * 1e9),
    MemoryBytes: r.memoryBytes,
    ...(limits ? { Pids: r.pids } : {}),
  });
}

function updateConfig(u: SwarmUpdateSettings): Record<string, unknown> {
  return defined({
    Parallelism: u.parallelism,
    Delay: u.delayNs,
    FailureAction: u.failureAction,
    Monitor: u.monitorNs,
    MaxFailureRatio: u.maxFailureRatio,
    Order: u.order,
  });
}

/** The object without its undefined fields, so equal specs serialise (and hash) alike. */
function defined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
