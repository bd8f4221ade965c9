import { Injectable } from '@nestjs/common';
import {
  type TSwarmInfo,
  type TSwarmNode,
  type TSwarmTask,
  type ZRemoveNodeQuery,
  type ZRotateJoinTokensRequest,
  type ZUpdateNodeRequest,
} from '@berth/shared';
import type { z } from 'zod';
import { AccessService } from '../access/access.service.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import type { EngineNode, EngineSwarm } from '../docker/engine-swarm.js';
import { byNewest, nodeOf, taskOf } from './service-spec.js';
import { SwarmAccess, type SwarmPermit, engineCall } from './swarm-access.js';

type UpdateNodeRequest = z.output<typeof ZUpdateNodeRequest>;

/**
 * A manager host's swarm: its facts and join tokens (only to swarm.manage), its nodes (drain,
 * pause, activate, promote, demote, labels, remove a down node) and the tasks on each node. Every
 * change is audited; join tokens never reach a response of swarm.view, an audit record or a log.
 */
@Injectable()
export class SwarmService {
  constructor(
    private readonly swarm: SwarmAccess,
    private readonly access: AccessService,
    private readonly audit: ContainerAudit,
  ) {}

  async inspect(caller: Caller, hostId: string): Promise<TSwarmInfo> {
    const permit = await this.swarm.manager(caller, hostId, 'swarm.view');
    const manage = await this.holds(caller, hostId);
    return this.info(permit, manage);
  }

  rotateJoinTokens(
    caller: Caller,
    hostId: string,
    body: z.output<typeof ZRotateJoinTokensRequest>,
  ): Promise<TSwarmInfo> {
    const entry = {
      action: 'swarm.rotate_tokens' as const,
      hostId,
      target: 'swarm',
      details: { worker: body.worker, manager: body.manager },
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const permit = await this.swarm.manager(caller, hostId, 'swarm.manage');
      entry.target = permit.clusterId ?? 'swarm';
      await beforeEngine();
      await engineCall(permit, 'swarm', () => permit.engine.client.rotateJoinTokens(body));
      return this.info(permit, true);
    });
  }

  async nodes(caller: Caller, hostId: string): Promise<TSwarmNode[]> {
    const permit = await this.swarm.manager(caller, hostId, 'swarm.view');
    const nodes = await engineCall(permit, 'node', () => permit.engine.client.listNodes());
    return nodes
      .map((node) => nodeOf(node, permit.nodeId))
      .sort(
        (a, b) =>
          Number(b.role === 'manager') - Number(a.role === 'manager') ||
          a.hostname.localeCompare(b.hostname),
      );
  }

  updateNode(
    caller: Caller,
    hostId: string,
    nodeId: string,
    body: UpdateNodeRequest,
  ): Promise<TSwarmNode> {
    const entry = {
      action: 'swarm.node_update' as const,
      hostId,
      target: nodeId,
      details: {
        ...(body.availability ? { availability: body.availability } : {}),
        ...(body.role ? { role: body.role } : {}),
        ...(body.labels ? { labels: body.labels } : {}),
      } as Record<string, unknown>,
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const permit = await this.swarm.manager(caller, hostId, 'swarm.manage');
      const node = await this.node(permit, nodeId);
      entry.target = node.Description?.Hostname ?? node.ID;
      entry.details.id = node.ID;
      if (
        body.role === 'worker' &&
        node.ManagerStatus?.Leader &&
        (await this.managers(permit)) < 2
      ) {
        throw new AppError(
          'CONFLICT',
          `${entry.target} is the swarm's only manager; promote another node before demoting it`,
          { issues: [{ path: 'role', message: 'the only manager cannot be demoted' }] },
        );
      }
      const spec = {
        ...node.Spec,
        ...(body.availability ? { Availability: body.availability } : {}),
        ...(body.role ? { Role: body.role } : {}),
        ...(body.labels ? { Labels: body.labels } : {}),
      };
      await beforeEngine();
      await engineCall(permit, 'node', () =>
        permit.engine.client.updateNode(node.ID, node.Version?.Index ?? 0, spec),
      );
      return nodeOf(await this.node(permit, node.ID), permit.nodeId);
    });
  }

  removeNode(
    caller: Caller,
    hostId: string,
    nodeId: string,
    query: z.output<typeof ZRemoveNodeQuery>,
  ): Promise<void> {
    const entry = {
      action: 'swarm.node_remove' as const,
      hostId,
      target: nodeId,
      details: { force: query.force } as Record<string, unknown>,
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const permit = await this.swarm.manager(caller, hostId, 'swarm.manage');
      const node = await this.node(permit, nodeId);
      entry.target = node.Description?.Hostname ?? node.ID;
      entry.details.id = node.ID;
      if (node.ID === permit.nodeId) {
        throw new AppError(
          'CONFLICT',
          `${entry.target} is the node this host is; a node leaves the swarm from its own engine`,
        );
      }
      const state = node.Status?.State ?? 'unknown';
      if (state !== 'down' && !query.force) {
        throw new AppError(
          'CONFLICT',
          `node ${entry.target} is ${state}, not down: stop its engine or make it leave the swarm first, or remove it with force`,
          { state },
        );
      }
      if (node.Spec?.Role === 'manager') {
        throw new AppError(
          'CONFLICT',
          `node ${entry.target} is a manager; demote it to a worker before removing it`,
        );
      }
      await beforeEngine();
      await engineCall(permit, 'node', () => permit.engine.client.removeNode(node.ID, query.force));
    });
  }

  async nodeTasks(caller: Caller, hostId: string, nodeId: string): Promise<TSwarmTask[]> {
    const permit = await this.swarm.manager(caller, hostId, 'swarm.view');
    const node = await this.node(permit, nodeId);
    const [tasks, services] = await Promise.all([
      engineCall(permit, 'task', () => permit.engine.client.listTasks({ node: [node.ID] })),
      engineCall(permit, 'service', () => permit.engine.client.listServices()),
    ]);
    const hostnames = new Map([[node.ID, node.Description?.Hostname ?? node.ID]]);
    const names = new Map(services.map((s) => [s.ID, s.Spec?.Name ?? s.ID]));
    return tasks.map((task) => taskOf(task, hostnames, names)).sort(byNewest);
  }

  private async info(permit: SwarmPermit, manage: boolean): Promise<TSwarmInfo> {
    const [swarm, nodes] = await Promise.all([
      engineCall(permit, 'swarm', () => permit.engine.client.inspectSwarm()),
      engineCall(permit, 'node', () => permit.engine.client.listNodes()),
    ]);
    return infoOf(swarm, nodes, permit.nodeId, manage);
  }

  private node(permit: SwarmPermit, ref: string): Promise<EngineNode> {
    return engineCall(permit, 'node', () => permit.engine.client.inspectNode(ref));
  }

  private async managers(permit: SwarmPermit): Promise<number> {
    const nodes = await engineCall(permit, 'node', () => permit.engine.client.listNodes());
    return nodes.filter((n) => n.Spec?.Role === 'manager').length;
  }

  /** Whether the caller may manage the swarm of this host (join tokens are shown only then). */
  private async holds(caller: Caller, hostId: string): Promise<boolean> {
    try {
      await this.access.require(caller.principal.user, hostId, 'swarm.manage');
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'FORBIDDEN') return false;
      throw error;
    }
  }
}

function infoOf(
  swarm: EngineSwarm,
  nodes: EngineNode[],
  selfId: string,
  manage: boolean,
): TSwarmInfo {
  const managers = nodes.filter((n) => n.Spec?.Role === 'manager');
  return {
    id: swarm.ID,
    nodeId: selfId,
    managers: managers.length,
    workers: nodes.length - managers.length,
    createdAt: swarm.CreatedAt ?? '',
    updatedAt: swarm.UpdatedAt ?? '',
    managerAddresses: managers
      .map((n) => n.ManagerStatus?.Addr)
      .filter((addr): addr is string => Boolean(addr)),
    ...(manage
      ? { joinTokens: { worker: swarm.JoinTokens.Worker, manager: swarm.JoinTokens.Manager } }
      : {}),
    taskHistoryLimit: swarm.Spec?.Orchestration?.TaskHistoryRetentionLimit ?? null,
    defaultAddrPool: swarm.DefaultAddrPool ?? [],
    dataPathPort: swarm.DataPathPort ?? null,
  };
}
