import { Injectable } from '@nestjs/common';
import { COMPOSE_LABEL } from '@berth/compose';
import type {
  TCreateStackRequest,
  TStackDeployResponse,
  TUnmanagedStack,
  TUnmanagedStackList,
} from '@berth/shared';
import { withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type ListReach } from '../containers/container-access.js';
import { PrismaService } from '../database/prisma.service.js';
import type { EngineContainerInfo } from '../docker/engine-client.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { StacksService } from './stacks.service.js';

/**
 * Compose projects made outside Berth (`docker compose` or `docker-compose` on the host): listed
 * from their containers' labels, and taken over by giving Berth their file, which is then planned
 * against what runs like any stack's.
 */
@Injectable()
export class StackAdoptionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: ContainerAccess,
    private readonly engines: EngineRegistry,
    private readonly stacks: StacksService,
  ) {}

  async list(caller: Caller, hostId?: string): Promise<TUnmanagedStackList> {
    const hostIds = hostId
      ? [hostId]
      : (await this.prisma.db.host.findMany({ select: { id: true } })).map((h) => h.id);
    const reach = await this.access.listReach(caller.principal.user, hostIds, 'stack.list');
    const perHost = await Promise.all(
      [...reach].map(([id, r]) => this.onHost(caller.principal.user.id, id, r).catch(() => [])),
    );
    return {
      items: perHost
        .flat()
        .sort((a, b) => a.name.localeCompare(b.name) || a.hostId.localeCompare(b.hostId)),
    };
  }

  /** Creates the stack from the project's file and deploys it; 404 when no such project runs. */
  async adopt(
    caller: Caller,
    hostId: string,
    body: TCreateStackRequest,
  ): Promise<TStackDeployResponse> {
    const reach = await this.access.reachOn(caller.principal.user, hostId, 'stack.deploy');
    const found = reach ? await this.onHost(caller.principal.user.id, hostId, reach) : [];
    if (!found.some((p) => p.name === body.name)) {
      throw new AppError(
        'NOT_FOUND',
        `no compose project ${body.name} runs on this host outside Berth`,
      );
    }
    return this.stacks.create(caller, hostId, body, undefined, 'stack.adopt');
  }

  private async onHost(
    userId: string,
    hostId: string,
    reach: ListReach,
  ): Promise<TUnmanagedStack[]> {
    const engine = await this.engines.get(hostId);
    if (!engine) return [];
    const [containers, managed] = await Promise.all([
      engine.client.listContainers({
        all: true,
        filters: JSON.stringify({ label: [COMPOSE_LABEL.project] }),
      }),
      this.prisma.db.stack.findMany({ where: { hostId }, select: { name: true } }),
    ]);
    const taken = new Set(managed.map((s) => s.name));
    const byProject = new Map<string, EngineContainerInfo[]>();
    for (const c of containers) {
      const labels = c.Labels ?? {};
      const project = labels[COMPOSE_LABEL.project];
      if (!project || taken.has(project) || labels[COMPOSE_LABEL.oneoff] === 'True') continue;
      if (!withinReach(labels, reach.reach, userId, reach.teamIds)) continue;
      byProject.set(project, [...(byProject.get(project) ?? []), c]);
    }
    return [...byProject].map(([name, list]) => projectOf(hostId, name, list));
  }
}

function projectOf(
  hostId: string,
  name: string,
  containers: EngineContainerInfo[],
): TUnmanagedStack {
  const label = (key: string) => containers.map((c) => c.Labels?.[key]).find(Boolean) ?? null;
  const services = new Map<string, TUnmanagedStack['services'][number]['containers']>();
  for (const c of containers) {
    const service = c.Labels?.[COMPOSE_LABEL.service] ?? '';
    services.set(service, [
      ...(services.get(service) ?? []),
      { id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), state: c.State },
    ]);
  }
  return {
    hostId,
    name,
    workingDir: label(COMPOSE_LABEL.workingDir),
    configFiles: (label(COMPOSE_LABEL.configFiles) ?? '').split(',').filter(Boolean),
    services: [...services]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([service, list]) => ({
        name: service,
        containers: list.sort((a, b) => a.name.localeCompare(b.name)),
      })),
  };
}
