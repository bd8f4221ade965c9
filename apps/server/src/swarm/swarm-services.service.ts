import { Inject, Injectable } from '@nestjs/common';
import {
  type TServiceDetail,
  type TServiceListResponse,
  type TServiceSummary,
  type TSwarmTask,
  type ZScaleServiceRequest,
  type ZServiceListQuery,
  type ZUpdateServiceRequest,
} from '@berth/shared';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';
import type { EngineService, EngineServiceSpec } from '../docker/engine-swarm.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { ContainerInventory } from '../inventory/container-inventory.js';
import {
  type CreateServiceRequest,
  type FileRefIds,
  byNewest,
  engineUpdateConfig,
  serviceDetailOf,
  serviceSpecOf,
  serviceSummaryOf,
  taskOf,
} from './service-spec.js';
import {
  SwarmAccess,
  type SwarmPermit,
  engineCall,
  requireManager,
  wholeSwarm,
} from './swarm-access.js';

/**
 * Swarm services: listed across every manager host the caller may see swarms on (one row per
 * service even when two registered hosts manage the same swarm), created from a checked request,
 * scaled, rolled to a new image with their update settings, redeployed unchanged (force), rolled
 * back and removed. Each change is audited with the service's name and never an environment
 * value; values of variables marked secret are masked in every answer.
 */
@Injectable()
export class SwarmServicesService {
  constructor(
    private readonly swarm: SwarmAccess,
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    private readonly engines: EngineRegistry,
    private readonly inventory: ContainerInventory,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async list(
    caller: Caller,
    query: z.output<typeof ZServiceListQuery>,
  ): Promise<TServiceListResponse> {
    // One host asked for: hidden 404, swarm.view missing 403, as its own routes answer.
    if (query.hostId) {
      wholeSwarm(
        await this.access.require(caller.principal, query.hostId, 'swarm.view'),
        'swarm.view',
      );
    }
    const hostIds = query.hostId ? [query.hostId] : this.inventory.all().map((host) => host.hostId);
    const reach = await this.access.listReach(caller.principal.user, hostIds, 'swarm.view');
    const items: TServiceSummary[] = [];
    const errors: TServiceListResponse['errors'] = [];
    const clusters = new Set<string>();
    const answers = await Promise.all(
      [...reach]
        .filter(([, listed]) => listed.reach === 'all')
        .map(async ([hostId]) => {
          const engine = await this.engines.get(hostId);
          if (!engine) return null;
          try {
            const info = await engine.client.info();
            const manager = info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable;
            if (!manager) {
              if (query.hostId) requireManager(info, engine.name);
              return null;
            }
            return {
              engine,
              clusterId: info.Swarm?.Cluster?.ID ?? hostId,
              services: await engine.client.listServices(),
            };
          } catch (error) {
            if (error instanceof AppError) throw error;
            errors.push({
              hostId,
              hostName: engine.name,
              message: EngineError.from(error).reason,
            });
            return null;
          }
        }),
    );
    for (const answer of answers) {
      if (!answer || clusters.has(answer.clusterId)) continue;
      clusters.add(answer.clusterId);
      const host = { hostId: answer.engine.hostId, name: answer.engine.name };
      for (const service of answer.services) items.push(serviceSummaryOf(host, service));
    }
    items.sort((a, b) => a.name.localeCompare(b.name) || a.hostName.localeCompare(b.hostName));
    return { items, errors };
  }

  create(
    caller: Caller,
    hostId: string,
    body: CreateServiceRequest,
  ): Promise<{ id: string; warnings: string[] }> {
    const entry = {
      action: 'service.create' as const,
      hostId,
      target: body.name,
      details: createDetails(body),
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const permit = await this.swarm.manager(caller, hostId, 'swarm.manage');
        const refs = await this.fileRefs(permit, body);
        const spec = serviceSpecOf(body, refs);
        await beforeEngine();
        try {
          return await permit.engine.client.createService(spec);
        } catch (error) {
          throw createError(error, body, permit.engine.name);
        }
      },
      (result) => ({ id: result.id }),
    );
  }

  async inspect(caller: Caller, hostId: string, ref: string): Promise<TServiceDetail> {
    const permit = await this.swarm.manager(caller, hostId, 'swarm.view');
    const service = await this.service(permit, ref);
    const [tasks, networks] = await Promise.all([
      engineCall(permit, 'task', () =>
        permit.engine.client.listTasks({ service: [service.ID], 'desired-state': ['running'] }),
      ),
      engineCall(permit, 'network', () => permit.engine.client.listNetworks()),
    ]);
    const running = tasks.filter((t) => t.Status?.State === 'running').length;
    const names = new Map(networks.map((n) => [n.Id, n.Name]));
    return serviceDetailOf(this.hostOf(permit), service, names, running);
  }

  async tasks(caller: Caller, hostId: string, ref: string): Promise<TSwarmTask[]> {
    const permit = await this.swarm.manager(caller, hostId, 'swarm.view');
    const service = await this.service(permit, ref);
    const [tasks, nodes] = await Promise.all([
      engineCall(permit, 'task', () => permit.engine.client.listTasks({ service: [service.ID] })),
      engineCall(permit, 'node', () => permit.engine.client.listNodes()),
    ]);
    const hostnames = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    const names = new Map([[service.ID, service.Spec?.Name ?? service.ID]]);
    return tasks.map((task) => taskOf(task, hostnames, names)).sort(byNewest);
  }

  scale(
    caller: Caller,
    hostId: string,
    ref: string,
    body: z.output<typeof ZScaleServiceRequest>,
  ): Promise<{ warnings: string[] }> {
    return this.change(caller, hostId, ref, 'service.scale', { replicas: body.replicas }, (s) => {
      if (!s.Spec?.Mode?.Replicated) {
        throw AppError.validation([
          {
            path: 'replicas',
            message: 'a global service runs one task on every node and cannot be scaled',
          },
        ]);
      }
      return { ...s.Spec, Mode: { Replicated: { Replicas: body.replicas } } };
    });
  }

  update(
    caller: Caller,
    hostId: string,
    ref: string,
    body: z.output<typeof ZUpdateServiceRequest>,
  ): Promise<{ warnings: string[] }> {
    const details = {
      ...(body.image ? { image: body.image } : {}),
      ...(body.updateConfig ? { updateConfig: body.updateConfig } : {}),
      force: body.force,
    };
    return this.change(caller, hostId, ref, 'service.update', details, (s) => {
      const spec = structuredClone<EngineServiceSpec>(s.Spec ?? {});
      const template = (spec.TaskTemplate ?? {}) as NonNullable<
        EngineServiceSpec['TaskTemplate']
      > & {
        ContainerSpec?: { Image?: string };
        ForceUpdate?: number;
      };
      if (body.image) template.ContainerSpec = { ...template.ContainerSpec, Image: body.image };
      if (body.force) template.ForceUpdate = (template.ForceUpdate ?? 0) + 1;
      spec.TaskTemplate = template;
      if (body.updateConfig) spec.UpdateConfig = engineUpdateConfig(body.updateConfig);
      return spec;
    });
  }

  rollback(caller: Caller, hostId: string, ref: string): Promise<{ warnings: string[] }> {
    return this.change(
      caller,
      hostId,
      ref,
      'service.rollback',
      {},
      (s) => {
        if (!s.PreviousSpec) {
          throw new AppError(
            'CONFLICT',
            `service ${s.Spec?.Name ?? s.ID} was never updated: there is nothing to roll back to`,
          );
        }
        return s.Spec!;
      },
      true,
    );
  }

  remove(caller: Caller, hostId: string, ref: string): Promise<void> {
    const entry = {
      action: 'service.remove' as const,
      hostId,
      target: ref,
      details: {} as Record<string, unknown>,
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const permit = await this.swarm.manager(caller, hostId, 'swarm.manage');
      const service = await this.service(permit, ref);
      entry.target = service.Spec?.Name ?? service.ID;
      entry.details.id = service.ID;
      await beforeEngine();
      await engineCall(permit, 'service', () => permit.engine.client.removeService(service.ID));
    });
  }

  /** The service a reference (id, name or id prefix) names on the manager. */
  async service(permit: SwarmPermit, ref: string): Promise<EngineService> {
    return engineCall(permit, 'service', () => permit.engine.client.inspectService(ref));
  }

  /** One spec change, audited: read the service, make its new spec, send it at its version. */
  private change(
    caller: Caller,
    hostId: string,
    ref: string,
    action: 'service.scale' | 'service.update' | 'service.rollback',
    details: Record<string, unknown>,
    specOf: (service: EngineService) => EngineServiceSpec,
    rollback = false,
  ): Promise<{ warnings: string[] }> {
    const entry = { action, hostId, target: ref, details: { ...details } };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const permit = await this.swarm.manager(caller, hostId, 'swarm.manage');
      const service = await this.service(permit, ref);
      entry.target = service.Spec?.Name ?? service.ID;
      entry.details.id = service.ID;
      const spec = specOf(service);
      await beforeEngine();
      const warnings = await engineCall(permit, 'service', () =>
        permit.engine.client.updateService(service.ID, service.Version?.Index ?? 0, spec, rollback),
      );
      return { warnings };
    });
  }

  private hostOf(permit: SwarmPermit): { hostId: string; name: string } {
    return { hostId: permit.engine.hostId, name: permit.engine.name };
  }

  /** Secret and config names of the request, resolved to ids; an unknown one is its field's problem. */
  private async fileRefs(permit: SwarmPermit, body: CreateServiceRequest): Promise<FileRefIds> {
    const refs: FileRefIds = { secrets: new Map(), configs: new Map() };
    for (const kind of ['secrets', 'configs'] as const) {
      const wanted = body[kind];
      if (wanted.length === 0) continue;
      const known = await engineCall(permit, kind.slice(0, -1), () =>
        permit.engine.client.json<{ ID: string; Spec?: { Name?: string } }[]>({
          path: `/${kind}`,
          timeoutMs: this.config.engineTimeoutMs,
        }),
      );
      const issues = [];
      for (const [index, ref] of wanted.entries()) {
        const found = known.find((k) => k.Spec?.Name === ref.source || k.ID === ref.source);
        if (found) refs[kind].set(ref.source, { id: found.ID, name: found.Spec?.Name ?? found.ID });
        else
          issues.push({
            path: `${kind}.${index}.source`,
            message: `no ${kind.slice(0, -1)} named ${ref.source} in the swarm`,
          });
      }
      if (issues.length > 0) throw AppError.validation(issues);
    }
    return refs;
  }
}

/** What a create's audit record keeps: the shape of the service, never an environment value. */
function createDetails(body: CreateServiceRequest): Record<string, unknown> {
  return {
    image: body.image,
    mode: body.mode,
    replicas: body.mode === 'global' ? null : (body.replicas ?? 1),
    ports: body.ports.map((p) => `${p.published ?? ''}:${p.target}/${p.protocol} ${p.mode}`),
    networks: body.networks,
    env: body.env.map((v) => v.name),
    constraints: body.constraints,
    secrets: body.secrets.map((s) => s.source),
    configs: body.configs.map((c) => c.source),
  };
}

/** An engine refusal of a create, named by the field it is about where the engine says so. */
function createError(error: unknown, body: CreateServiceRequest, hostName: string): AppError {
  const e = EngineError.from(error);
  if (e.kind === 'conflict' || /already exists/i.test(e.reason)) {
    return AppError.validation([
      { path: 'name', message: `a service named ${body.name} already exists` },
    ]);
  }
  const network = body.networks.findIndex((n) => e.reason.includes(n));
  if (network !== -1 && /network/i.test(e.reason)) {
    return AppError.validation([{ path: `networks.${network}`, message: e.reason }]);
  }
  if (/port/i.test(e.reason) && body.ports.length > 0) {
    return AppError.validation([{ path: 'ports', message: e.reason }]);
  }
  if (e.kind === 'bad_request' || e.kind === 'not_found') {
    return new AppError('VALIDATION_FAILED', e.reason, {}, error);
  }
  return engineError(error, 'service', hostName);
}
