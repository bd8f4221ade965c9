import { Injectable } from '@nestjs/common';
import type { ComposePlan } from '@berth/compose';
import {
  type Permission,
  type TCreateStackRequest,
  type TStack,
  type TStackDeployResponse,
  type TStackDeploymentList,
  type TStackEnvEntry,
  type TStackList,
  type TStackPlan,
  type TStackStatus,
  type TStackSummary,
  type TUpdateStackRequest,
  ZStackPlan,
  ZStackStatus,
} from '@berth/shared';
import { recordOwnerLabels, soleTeam, withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineRegistry, type RegisteredEngine } from '../hosts/engine-registry.js';
import { Vault } from '../vault/vault.js';
import {
  downPlan,
  loadStack,
  observe,
  pullsOnly,
  startPlan,
  stopPlan,
  upPlan,
} from './stack-compose.js';
import { type DeploymentRequest, type DeploymentTrigger, StackDeployer } from './stack-deployer.js';
import { maskEnv, mergeEnv, openEnv, sealEnv, secretValues } from './stack-env.js';
import { observeProject, type ProjectResources } from './stack-observer.js';
import { planView } from './stack-plan-view.js';

interface StackRow {
  id: string;
  hostId: string;
  name: string;
  compose: string;
  env: string;
  status: string;
  createdById: string | null;
  ownerTeamId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Compose stacks on the hosts: stored with their compose text and sealed variables, planned
 * against what runs on the host, and changed only through deployments (`StackDeployer`).
 */
@Injectable()
export class StacksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly access: ContainerAccess,
    private readonly deployer: StackDeployer,
    private readonly engines: EngineRegistry,
  ) {}

  async create(
    caller: Caller,
    hostId: string,
    body: TCreateStackRequest,
  ): Promise<TStackDeployResponse> {
    const permit = await this.access.require(
      caller.principal,
      hostId,
      'stack.deploy',
      caller.grant,
    );
    const env = body.env ?? [];
    const project = loadStack(body.name, body.compose, env);
    const taken = await this.prisma.db.stack.findUnique({
      where: { hostId_name: { hostId, name: body.name } },
    });
    if (taken) throw new AppError('CONFLICT', `a stack named ${body.name} exists on this host`);
    // Read before anything is stored: an unreachable host leaves nothing behind.
    const observed = await this.observeOn(permit.engine, project);
    const owner = await this.access.ownerOf(permit);
    const stack = await this.prisma.db.stack.create({
      data: {
        hostId,
        name: body.name,
        compose: body.compose,
        env: sealEnv(this.vault, env),
        status: 'deploying',
        createdById: owner.userId,
        ownerTeamId: soleTeam(owner.teamIds),
      },
    });
    const { deploymentId } = await this.deployer.start(
      this.upRequest(caller, permit.engine, stack, project, observed, env, 'deploy'),
    );
    return { id: stack.id, deploymentId };
  }

  async list(caller: Caller, hostId?: string): Promise<TStackList> {
    const hostIds = hostId
      ? [hostId]
      : (await this.prisma.db.host.findMany({ select: { id: true } })).map((h) => h.id);
    const reach = await this.access.listReach(caller.principal.user, hostIds, 'stack.list');
    const rows = await this.prisma.db.stack.findMany({
      where: { hostId: { in: [...reach.keys()] } },
      orderBy: { name: 'asc' },
    });
    const visible = rows.filter((row) => {
      const r = reach.get(row.hostId);
      return r && withinReach(labelsOf(row), r.reach, caller.principal.user.id, r.teamIds);
    });
    return { items: await Promise.all(visible.map((row) => this.summary(row))) };
  }

  async get(caller: Caller, id: string): Promise<TStack> {
    const { stack } = await this.stackFor(caller, id, 'stack.list');
    return {
      ...(await this.summary(stack)),
      compose: stack.compose,
      env: maskEnv(openEnv(this.vault, stack.env)),
      createdAt: stack.createdAt.toISOString(),
      updatedAt: stack.updatedAt.toISOString(),
    };
  }

  async update(
    caller: Caller,
    id: string,
    body: TUpdateStackRequest,
  ): Promise<TStackDeployResponse> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.deploy');
    const { compose, env, project } = this.edited(stack, body);
    this.deployer.assertIdle(stack.id, stack.name);
    const observed = await this.observeOn(permit.engine, project);
    const updated = await this.prisma.db.stack.update({
      where: { id: stack.id },
      data: { compose, env: sealEnv(this.vault, env), status: 'deploying' },
    });
    const { deploymentId } = await this.deployer.start(
      this.upRequest(caller, permit.engine, updated, project, observed, env, 'redeploy'),
    );
    return { id: updated.id, deploymentId };
  }

  async plan(caller: Caller, id: string, body: TUpdateStackRequest): Promise<TStackPlan> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.list');
    const { project } = this.edited(stack, body);
    return ZStackPlan.parse(
      planView(upPlan(project, await this.observeOn(permit.engine, project))),
    );
  }

  async act(
    caller: Caller,
    id: string,
    action: 'start' | 'stop' | 'down',
  ): Promise<TStackDeployResponse> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.deploy');
    const env = openEnv(this.vault, stack.env);
    const project = loadStack(stack.name, stack.compose, env);
    const observed = await this.observeOn(permit.engine, project);
    const plans: Record<typeof action, () => ComposePlan> = {
      start: () => startPlan(project, observed),
      stop: () => stopPlan(stack.name, observed),
      down: () => downPlan(stack.name, observed, false),
    };
    const statusAfter: Record<typeof action, TStackStatus> = {
      start: 'running',
      stop: 'stopped',
      down: 'down',
    };
    const { deploymentId } = await this.deployer.start({
      caller,
      engine: permit.engine,
      stack,
      trigger: action,
      action: `stack.${action}`,
      plan: plans[action](),
      statusAfter: statusAfter[action],
      secrets: secretValues(env),
    });
    return { id: stack.id, deploymentId };
  }

  /** Takes the stack down (volumes too when asked) and forgets it once that worked. */
  async remove(caller: Caller, id: string, volumes: boolean): Promise<void> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.delete');
    const observed = await this.observeProjectOn(permit.engine, stack.name);
    const { deploymentId, done } = await this.deployer.start({
      caller,
      engine: permit.engine,
      stack,
      trigger: 'delete',
      action: 'stack.delete',
      plan: downPlan(stack.name, observed, volumes),
      statusAfter: 'down',
      secrets: secretValues(openEnv(this.vault, stack.env)),
      afterSuccess: async () => {
        await this.prisma.db.stack.delete({ where: { id: stack.id } });
      },
    });
    await done;
    const result = await this.prisma.db.stackDeployment.findUnique({ where: { id: deploymentId } });
    if (result?.status === 'failed') {
      throw new AppError(
        'ENGINE_ERROR',
        `the stack could not be removed: step ${result.failedStep ?? '?'} failed`,
        {
          deploymentId,
        },
      );
    }
  }

  /**
   * Redeploys the stored compose file and variables as `caller` (a webhook acting for its
   * creator, who must still have stack.deploy): with `pullImages`, every image is pulled first, so
   * a newer image under the same tag is used. Resolves once the deployment started.
   */
  async redeployStored(
    caller: Caller,
    id: string,
    options: { pullImages: boolean; triggeredBy: string; deploymentId?: string },
  ): Promise<{ deploymentId: string; done: Promise<void> }> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.deploy');
    const { env, project } = this.edited(stack, {});
    if (options.pullImages) {
      for (const service of Object.values(project.services)) {
        if (service.pullPolicy === 'missing') service.pullPolicy = 'always';
      }
    }
    const observed = await this.observeOn(permit.engine, project);
    return this.deployer.start({
      ...this.upRequest(caller, permit.engine, stack, project, observed, env, 'webhook'),
      triggeredBy: options.triggeredBy,
      ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}),
    });
  }

  async deployments(caller: Caller, id: string): Promise<TStackDeploymentList> {
    const { stack } = await this.stackFor(caller, id, 'stack.list');
    const rows = await this.prisma.db.stackDeployment.findMany({
      where: { stackId: stack.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return {
      items: rows.map((row) => ({
        id: row.id,
        stackId: row.stackId,
        status: row.status as 'queued' | 'running' | 'succeeded' | 'failed',
        trigger: row.trigger,
        triggeredBy: row.triggeredBy,
        plan: row.plan ? ZStackPlan.parse(JSON.parse(row.plan)) : null,
        failedStep: row.failedStep,
        output: row.output,
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
      })),
    };
  }

  /** An `up` of the project: its pulls first, then the rest planned against the pulled images. */
  private upRequest(
    caller: Caller,
    engine: RegisteredEngine,
    stack: StackRow,
    project: ReturnType<typeof loadStack>,
    observed: ProjectResources,
    env: TStackEnvEntry[],
    trigger: DeploymentTrigger,
  ): DeploymentRequest {
    const whole = upPlan(project, observed);
    return {
      caller,
      engine,
      stack,
      trigger,
      action: 'stack.deploy',
      preview: whole,
      plan: pullsOnly(whole),
      replan: async () => upPlan(project, await observe(engine.client, project), true),
      statusAfter: 'running',
      secrets: secretValues(env),
    };
  }

  /** The compose text and variables after an edit (masked secrets keep their value), loaded. */
  private edited(stack: StackRow, body: TUpdateStackRequest) {
    const stored = openEnv(this.vault, stack.env);
    const env = body.env ? mergeEnv(stored, body.env) : stored;
    const compose = body.compose ?? stack.compose;
    return { compose, env, project: loadStack(stack.name, compose, env) };
  }

  /** The stack, checked for the permission on its host and for ownership (else 404). */
  async stackFor(
    caller: Caller,
    id: string,
    permission: Permission,
  ): Promise<{ stack: StackRow; permit: HostPermit }> {
    const stack = await this.prisma.db.stack.findUnique({ where: { id } });
    if (!stack) throw AppError.notFound('stack');
    const permit = await this.access.require(
      caller.principal,
      stack.hostId,
      permission,
      caller.grant,
    );
    if (!withinReach(labelsOf(stack), permit.reach, permit.user.id, permit.teamIds)) {
      throw AppError.notFound('stack');
    }
    return { stack, permit };
  }

  private async observeOn(engine: RegisteredEngine, project: ReturnType<typeof loadStack>) {
    try {
      return await observe(engine.client, project);
    } catch (error) {
      throw engineError(error, 'host', engine.name);
    }
  }

  private async observeProjectOn(engine: RegisteredEngine, name: string) {
    try {
      return await observeProject(engine.client, name, []);
    } catch (error) {
      throw engineError(error, 'host', engine.name);
    }
  }

  /** Services of the compose file with their containers on the host (none when it is down). */
  private async summary(stack: StackRow): Promise<TStackSummary> {
    const names = new Set<string>();
    try {
      const project = loadStack(stack.name, stack.compose, openEnv(this.vault, stack.env));
      for (const name of Object.keys(project.services)) names.add(name);
    } catch {
      // A stored file that no longer loads still lists what runs.
    }
    let containers: ProjectResources['containers'] = [];
    const engine = await this.engines.get(stack.hostId);
    if (engine) {
      try {
        containers = (await observeProject(engine.client, stack.name, [])).containers;
      } catch {
        // Host down: the stack is listed with no containers.
      }
    }
    for (const c of containers) if (!c.oneoff) names.add(c.service);
    return {
      id: stack.id,
      hostId: stack.hostId,
      name: stack.name,
      status: ZStackStatus.catch('failed').parse(stack.status),
      services: [...names].sort().map((name) => ({
        name,
        containers: containers
          .filter((c) => c.service === name && !c.oneoff)
          .sort((a, b) => a.number - b.number)
          .map((c) => ({ id: c.id, state: c.state })),
      })),
    };
  }
}

function labelsOf(stack: StackRow): Record<string, string> {
  return recordOwnerLabels(stack.createdById, stack.ownerTeamId);
}
