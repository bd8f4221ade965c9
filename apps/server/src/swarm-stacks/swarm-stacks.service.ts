import { posix } from 'node:path';
import { Injectable } from '@nestjs/common';
import { type ComposeIssue, type SwarmProject, loadSwarmProject } from '@berth/compose';
import type {
  TDeploySwarmStackRequest,
  TSwarmStack,
  TSwarmStackDeployed,
  TSwarmStackKeptSource,
  TSwarmStackList,
  TSwarmStackSource,
} from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import type { EngineService, SwarmApi } from './swarm-api.js';
import { type SwarmHost, SwarmHosts } from './swarm-host.js';
import { STACK_NAMESPACE, type SwarmObjectKind, plural } from './swarm-objects.service.js';
import { type ObjectIds, SPEC_HASH_LABEL, serviceSpec, stackNetworks } from './swarm-stack-spec.js';
import { ServiceRegistryAuth } from './service-registry-auth.js';
import { SwarmStackSources } from './swarm-stack-source.js';

/** What a deploy did to each service of the stack. */
type ServiceChanges = Pick<TSwarmStackDeployed, 'created' | 'updated' | 'unchanged' | 'removed'>;

/** Where relative `file:` paths of a swarm stack's compose file resolve. */
const WORKING_DIR = '/swarm-stacks';

/**
 * Swarm stacks: a compose file deployed to the swarm as services, networks, secrets and configs,
 * each labelled `com.docker.stack.namespace=<stack>` as `docker stack deploy` labels them. The
 * swarm keeps them: a stack is what carries its label, so stacks deployed with the docker CLI are
 * listed too and nothing is stored beside the engine. The file a stack was last deployed with is
 * kept in the swarm too (`SwarmStackSources`), so an update starts from it.
 */
@Injectable()
export class SwarmStacksService {
  constructor(
    private readonly hosts: SwarmHosts,
    private readonly audit: ContainerAudit,
    private readonly registryAuth: ServiceRegistryAuth,
    private readonly sources: SwarmStackSources,
  ) {}

  async list(caller: Caller, hostId: string): Promise<TSwarmStackList> {
    const host = await this.hosts.open(caller, hostId, 'swarm.view');
    const stacks = await this.read(host, { label: [STACK_NAMESPACE] });
    return { items: [...stacks.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  }

  async inspect(caller: Caller, hostId: string, name: string): Promise<TSwarmStack> {
    const host = await this.hosts.open(caller, hostId, 'swarm.view');
    const stack = (await this.read(host, { label: [`${STACK_NAMESPACE}=${name}`] })).get(name);
    if (!stack) throw AppError.notFound('swarm stack');
    return stack;
  }

  /** The file the stack was last deployed with through Berth, masked; 404 when none is kept. */
  async source(caller: Caller, hostId: string, name: string): Promise<TSwarmStackKeptSource> {
    const host = await this.hosts.open(caller, hostId, 'swarm.view');
    const kept = await this.keptSource(host, name);
    if (!kept) throw AppError.notFound('kept file of the swarm stack');
    return SwarmStackSources.masked(kept);
  }

  /** POST: a new stack (409 when one of that name has services); PUT: an existing one (404). */
  deploy(
    caller: Caller,
    hostId: string,
    name: string,
    source: TSwarmStackSource | TDeploySwarmStackRequest,
    existing: 'new' | 'existing',
  ): Promise<TSwarmStackDeployed> {
    return this.audit.around(
      caller,
      {
        action: 'swarm.stack_deploy',
        hostId,
        target: name,
        details: { update: existing === 'existing' },
      },
      async (beforeEngine) => {
        const host = await this.hosts.open(caller, hostId, 'swarm.manage');
        const { api, permit } = host;
        const given =
          existing === 'existing'
            ? SwarmStackSources.merged(source, await this.keptSource(host, name))
            : source;
        const swarm = load(name, given);
        try {
          const running = await api.listServices({ label: [`${STACK_NAMESPACE}=${name}`] });
          if (existing === 'new' && running.length > 0) {
            throw new AppError('CONFLICT', `a swarm stack named ${name} exists on this host`, {
              issues: [{ path: 'name', message: 'already used by another swarm stack' }],
            });
          }
          if (existing === 'existing' && running.length === 0) {
            throw AppError.notFound('swarm stack');
          }
          await beforeEngine();
          await this.ensureNetworks(api, swarm);
          const ids = await this.ensureObjects(api, swarm);
          const result = await this.applyServices(caller, host, swarm, ids, running);
          const sourceKept = await this.sources.keep(api, name, {
            compose: given.compose,
            env: given.env,
            files: given.files,
          });
          return { id: name, ...result, sourceKept };
        } catch (error) {
          throw engineError(error, 'swarm stack', permit.engine.name);
        }
      },
      (result) => ({
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        removed: result.removed,
      }),
    );
  }

  /**
   * `docker stack rm`: the services, then secrets, configs and networks (each network goes from a
   * node once the last task container on it has stopped).
   */
  remove(caller: Caller, hostId: string, name: string): Promise<void> {
    return this.audit.around(
      caller,
      { action: 'swarm.stack_remove', hostId, target: name },
      async (beforeEngine) => {
        const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.manage');
        const filters = { label: [`${STACK_NAMESPACE}=${name}`] };
        try {
          const [services, networks, secrets, configs] = await Promise.all([
            api.listServices(filters),
            api.listNetworks(filters),
            api.listObjects('secrets', filters),
            api.listObjects('configs', filters),
          ]);
          if (services.length + networks.length + secrets.length + configs.length === 0) {
            throw AppError.notFound('swarm stack');
          }
          await beforeEngine();
          for (const service of services) await api.removeService(service.ID);
          for (const secret of secrets) await api.removeObject('secrets', secret.ID);
          for (const config of configs) await api.removeObject('configs', config.ID);
          for (const network of networks) await removeNetwork(api, network.Id);
        } catch (error) {
          throw engineError(error, 'swarm stack', permit.engine.name);
        }
      },
    );
  }

  private async read(host: SwarmHost, filters: Record<string, string[]>) {
    const { api, permit } = host;
    const stacks = new Map<string, TSwarmStack>();
    const of = (labels: Record<string, string> | null | undefined) => {
      const name = labels?.[STACK_NAMESPACE];
      if (!name) return undefined;
      let stack = stacks.get(name);
      if (!stack) {
        stack = { name, services: [], networks: [], secrets: [], configs: [], sourceKept: false };
        stacks.set(name, stack);
      }
      return stack;
    };
    try {
      const [services, networks, secrets, configs] = await Promise.all([
        api.listServices(filters),
        api.listNetworks(filters),
        api.listObjects('secrets', filters),
        api.listObjects('configs', filters),
      ]);
      for (const service of services) {
        of(service.Spec.Labels)?.services.push({
          id: service.ID,
          name: service.Spec.Name,
          image: service.Spec.TaskTemplate.ContainerSpec?.Image ?? '',
          mode: service.Spec.Mode?.Global ? 'global' : 'replicated',
          replicas: {
            running: service.ServiceStatus?.RunningTasks ?? 0,
            desired:
              service.ServiceStatus?.DesiredTasks ?? service.Spec.Mode?.Replicated?.Replicas ?? 0,
          },
        });
      }
      for (const network of networks) of(network.Labels)?.networks.push(network.Name);
      for (const secret of secrets) of(secret.Spec?.Labels)?.secrets.push(secret.Spec?.Name ?? '');
      for (const config of configs) {
        const stack = of(config.Spec?.Labels);
        if (!stack) continue;
        if (SwarmStackSources.isSource(config.Spec?.Labels)) stack.sourceKept = true;
        else stack.configs.push(config.Spec?.Name ?? '');
      }
    } catch (error) {
      throw engineError(error, 'swarm stack', permit.engine.name);
    }
    for (const stack of stacks.values())
      stack.services.sort((a, b) => a.name.localeCompare(b.name));
    return stacks;
  }

  /** The stack's kept source, whole; engine failures answered as the API's errors. */
  private async keptSource(host: SwarmHost, name: string) {
    try {
      return await this.sources.read(host.api, name);
    } catch (error) {
      throw engineError(error, 'swarm stack', host.permit.engine.name);
    }
  }

  private async ensureNetworks(api: SwarmApi, swarm: SwarmProject): Promise<void> {
    const present = await api.listNetworks({});
    for (const network of stackNetworks(swarm)) {
      const found = present.some((n) => n.Name === network.name);
      if (network.external) {
        if (!found) {
          throw new AppError('VALIDATION_FAILED', `external network ${network.name} not found`, {
            issues: [{ path: `networks.${network.key}`, message: 'not found on this swarm' }],
          });
        }
        continue;
      }
      if (!found) await api.createNetwork(network.body);
    }
  }

  /** The stack's secrets and configs: made where missing, reused by name where present. */
  private async ensureObjects(api: SwarmApi, swarm: SwarmProject): Promise<ObjectIds> {
    const ids: ObjectIds = { secrets: {}, configs: {} };
    for (const kind of ['secret', 'config'] as const) {
      const wanted = kind === 'secret' ? swarm.secrets : swarm.configs;
      const target = kind === 'secret' ? ids.secrets : ids.configs;
      const present = new Map(
        (await api.listObjects(plural(kind))).map((o) => [o.Spec?.Name ?? '', o]),
      );
      for (const [key, object] of Object.entries(wanted)) {
        const found = present.get(object.name);
        if (found) {
          if (kind === 'config' && object.content !== undefined) {
            const data = Buffer.from(found.Spec?.Data ?? '', 'base64').toString('utf8');
            if (data !== object.content) throw changedObject(kind, key, object.name);
          }
          target[key] = { id: found.ID, name: object.name };
          continue;
        }
        if (object.external) {
          throw new AppError('VALIDATION_FAILED', `external ${kind} ${object.name} not found`, {
            issues: [{ path: `${plural(kind)}.${key}`, message: 'not found on this swarm' }],
          });
        }
        const id = await api.createObject(plural(kind), {
          Name: object.name,
          Labels: { ...object.labels, [STACK_NAMESPACE]: swarm.project.name },
          Data: Buffer.from(object.content ?? '', 'utf8').toString('base64'),
        });
        target[key] = { id, name: object.name };
      }
    }
    return ids;
  }

  private async applyServices(
    caller: Caller,
    host: SwarmHost,
    swarm: SwarmProject,
    ids: ObjectIds,
    running: EngineService[],
  ): Promise<ServiceChanges> {
    const result: ServiceChanges = { created: [], updated: [], unchanged: [], removed: [] };
    const byName = new Map(running.map((s) => [s.Spec.Name, s]));
    for (const key of Object.keys(swarm.project.services)) {
      const spec = serviceSpec(swarm, key, ids);
      const current = byName.get(spec.Name);
      byName.delete(spec.Name);
      const image = spec.TaskTemplate.ContainerSpec?.Image ?? '';
      if (current?.Spec.Labels?.[SPEC_HASH_LABEL] === spec.Labels?.[SPEC_HASH_LABEL]) {
        result.unchanged.push(key);
        continue;
      }
      const auth = await this.registryAuth.headerFor(caller, host.permit.engine.hostId, image);
      if (current) {
        // Not a forced update: the tasks are replaced only because the spec changed.
        spec.TaskTemplate.ForceUpdate = current.Spec.TaskTemplate.ForceUpdate ?? 0;
        await host.api.updateService(current, spec, auth);
        result.updated.push(key);
      } else {
        await host.api.createService(spec, auth);
        result.created.push(key);
      }
    }
    for (const [name, service] of byName) {
      await host.api.removeService(service.ID);
      result.removed.push(name.slice(swarm.project.name.length + 1));
    }
    return result;
  }
}

/** The compose file loaded as a swarm stack, or 400 COMPOSE_INVALID with path and line. */
function load(name: string, source: TSwarmStackSource): SwarmProject {
  const files = new Map(
    Object.entries(source.files).map(([path, content]) => [
      posix.resolve(WORKING_DIR, path),
      content,
    ]),
  );
  const result = loadSwarmProject({
    projectName: name,
    files: [{ name: 'compose.yaml', content: source.compose }],
    environment: Object.fromEntries(source.env.map((e) => [e.name, e.value])),
    workingDir: WORKING_DIR,
    readFile: (path) => files.get(path),
    projectFiles: 'none',
  });
  if (result.ok) return result.swarm;
  throw composeInvalid(result.issues);
}

function composeInvalid(found: ComposeIssue[]): AppError {
  const issues = found.map(({ path, line, message }) => ({ path, line, message }));
  const first = issues[0];
  const where = first ? `line ${first.line}: ${first.path ? `${first.path}: ` : ''}` : '';
  return new AppError('COMPOSE_INVALID', `${where}${first?.message ?? 'invalid compose file'}`, {
    issues,
  });
}

function changedObject(kind: SwarmObjectKind, key: string, name: string): AppError {
  return new AppError(
    'CONFLICT',
    `${kind} ${name} exists with other content; a swarm ${kind} cannot change: give it a new name`,
    { issues: [{ path: `${plural(kind)}.${key}`, message: 'changed content needs a new name' }] },
  );
}

/** A network whose endpoints are still being let go is tried again for a while. */
async function removeNetwork(api: SwarmApi, id: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await api.removeNetwork(id);
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
