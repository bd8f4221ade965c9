import { createHash } from 'node:crypto';
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
  ZDeploymentStatus,
  ZStackPlan,
  ZStackSource,
  ZStackStatus,
} from '@berth/shared';
import { recordOwnerLabels, soleTeam, withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { GitFetcher } from '../git/git-fetcher.js';
import { EngineRegistry, type RegisteredEngine } from '../hosts/engine-registry.js';
import { Vault } from '../vault/vault.js';
import { openStackFiles } from './stack-checkout.js';
import { type GitStackSource, StackCheckoutLoader } from './stack-checkout-loader.js';
import { checkoutFilesOf, removeOldCheckouts } from './stack-checkout-placer.js';
import {
  downPlan,
  loadStack,
  observe,
  imagesOnly,
  onlyServices,
  startPlan,
  stopPlan,
  upPlan,
} from './stack-compose.js';
import { type DeploymentRequest, type DeploymentTrigger, StackDeployer } from './stack-deployer.js';
import {
  maskEnv,
  mergeEnv,
  openEnv,
  scrubDeep,
  sealEnv,
  secretValues,
  withEnvFile,
} from './stack-env.js';
import { observeProject, type ProjectResources } from './stack-observer.js';
import { planView } from './stack-plan-view.js';

/** Where a stack's compose text came from, when it is a git repository. */
export interface StackOrigin {
  commit: string;
  fields: {
    gitUrl: string;
    gitRef: string | null;
    gitPath: string;
    gitAuth: string | null;
    gitPollSeconds: number | null;
    gitCommit: string;
  };
}

interface StackRow {
  id: string;
  hostId: string;
  name: string;
  compose: string;
  env: string;
  status: string;
  createdById: string | null;
  ownerTeamId: string | null;
  source: string;
  gitUrl: string | null;
  gitPath: string | null;
  gitAuth: string | null;
  gitCommit: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Compose stacks on the hosts: stored with their compose text and sealed variables, planned
 * against what runs on the host, and changed only through deployments (`StackDeployer`).
 */
@Injectable()
export class StacksService {
  /** What was read of the repositories' commits, kept for the life of the server. */
  private readonly checkouts: StackCheckoutLoader;

  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly access: ContainerAccess,
    private readonly deployer: StackDeployer,
    private readonly engines: EngineRegistry,
    private readonly git: GitFetcher,
  ) {
    this.checkouts = new StackCheckoutLoader(git, vault);
  }

  /**
   * `origin`: for a stack from git, its source fields and the commit its file came from.
   * `action`: `stack.adopt` when the project runs already, made by another tool.
   */
  async create(
    caller: Caller,
    hostId: string,
    body: TCreateStackRequest,
    origin?: StackOrigin,
    action: 'stack.deploy' | 'stack.adopt' = 'stack.deploy',
  ): Promise<TStackDeployResponse> {
    const permit = await this.access.require(
      caller.principal,
      hostId,
      'stack.deploy',
      caller.grant,
    );
    const env = withEnvFile(body.env ?? [], body.envFile);
    const project = origin
      ? await this.checkouts.load({ name: body.name, ...origin.fields }, body.compose, env)
      : loadStack(body.name, body.compose, env);
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
        source: origin ? 'git' : (body.source ?? 'editor'),
        createdById: owner.userId,
        ownerTeamId: soleTeam(owner.teamIds),
        ...origin?.fields,
      },
    });
    const { deploymentId } = await this.deployer.start({
      ...this.upRequest(caller, permit.engine, stack, project, observed, env, 'deploy'),
      action,
      ...(origin ? { commit: origin.commit } : {}),
    });
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
      source: ZStackSource.catch('editor').parse(stack.source),
      createdAt: stack.createdAt.toISOString(),
      updatedAt: stack.updatedAt.toISOString(),
    };
  }

  /** `origin`: for a stack from git, the commit the new compose text came from. */
  async update(
    caller: Caller,
    id: string,
    body: TUpdateStackRequest,
    origin?: Omit<StackOrigin, 'fields'> & { triggeredBy?: string },
  ): Promise<TStackDeployResponse> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.deploy');
    const at = origin ? { ...stack, gitCommit: origin.commit } : stack;
    const { compose, env, project } = await this.edited(at, body);
    this.deployer.assertIdle(stack.id, stack.name);
    const observed = await this.observeOn(permit.engine, project);
    const updated = await this.prisma.db.stack.update({
      where: { id: stack.id },
      data: {
        compose,
        env: sealEnv(this.vault, env),
        status: 'deploying',
        ...(origin ? { gitCommit: origin.commit } : {}),
      },
    });
    const { deploymentId } = await this.deployer.start({
      ...this.upRequest(caller, permit.engine, updated, project, observed, env, 'redeploy'),
      ...(origin ? { commit: origin.commit } : {}),
      ...(origin?.triggeredBy ? { triggeredBy: origin.triggeredBy } : {}),
    });
    return { id: updated.id, deploymentId };
  }

  async plan(caller: Caller, id: string, body: TUpdateStackRequest): Promise<TStackPlan> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.list');
    const { project, env } = await this.edited(stack, body);
    const plan = planView(upPlan(project, await this.observeOn(permit.engine, project)));
    return ZStackPlan.parse(scrubDeep(plan, secretValues(env)));
  }

  async act(
    caller: Caller,
    id: string,
    action: 'start' | 'stop' | 'down',
  ): Promise<TStackDeployResponse> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.deploy');
    const env = openEnv(this.vault, stack.env);
    const project = await this.load(stack, stack.compose, env);
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
      plan: downPlan(stack.name, observed, volumes, true),
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
   * a newer image under the same tag is used; with `services`, only those (and what they depend
   * on) are brought up, the others left as they run. Resolves once the deployment started.
   */
  async redeployStored(
    caller: Caller,
    id: string,
    options: {
      pullImages: boolean;
      services?: string[];
      triggeredBy: string;
      deploymentId?: string;
    },
  ): Promise<{ deploymentId: string; done: Promise<void> }> {
    const { stack, permit } = await this.stackFor(caller, id, 'stack.deploy');
    const edited = await this.edited(stack, {});
    const { env } = edited;
    const some = (options.services ?? []).length > 0;
    const project = some ? onlyServices(edited.project, options.services!) : edited.project;
    if (options.pullImages) {
      for (const service of Object.values(project.services)) {
        if (service.pullPolicy === 'missing') service.pullPolicy = 'always';
      }
    }
    const observed = await this.observeOn(permit.engine, project);
    return this.deployer.start({
      ...this.upRequest(caller, permit.engine, stack, project, observed, env, 'webhook', some),
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
        status: ZDeploymentStatus.catch('failed').parse(row.status),
        trigger: row.trigger,
        triggeredBy: row.triggeredBy,
        plan: row.plan ? ZStackPlan.parse(JSON.parse(row.plan)) : null,
        failedStep: row.failedStep,
        output: row.output,
        commit: row.commit,
        fileVersion: row.composeDigest?.slice(0, 12) ?? null,
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
      })),
    };
  }

  /**
   * An `up` of the project: its pulls and builds first (a stack from git builds from its recorded
   * commit), then the rest planned against the images they gave.
   */
  private upRequest(
    caller: Caller,
    engine: RegisteredEngine,
    stack: StackRow,
    project: ReturnType<typeof loadStack>,
    observed: ProjectResources,
    env: TStackEnvEntry[],
    trigger: DeploymentTrigger,
    keepOthers = false,
  ): DeploymentRequest {
    const whole = upPlan(project, observed, false, keepOthers);
    const git = gitSourceOf(stack);
    return {
      caller,
      engine,
      stack,
      trigger,
      action: 'stack.deploy',
      composeDigest: createHash('sha256').update(stack.compose).digest('hex'),
      preview: whole,
      plan: imagesOnly(whole),
      replan: async () => upPlan(project, await observe(engine.client, project), true, keepOthers),
      statusAfter: 'running',
      secrets: secretValues(env),
      ...(git
        ? {
            files: () => openStackFiles(this.git, this.vault, git),
            checkoutFiles: checkoutFilesOf(project),
            // A partial redeploy leaves the other services' volumes alone.
            ...(keepOthers
              ? {}
              : { afterSuccess: () => removeOldCheckouts(engine.client, project) }),
          }
        : {}),
    };
  }

  /** 400 naming a service the stack's compose file does not have. */
  async assertServices(stack: StackRow, names: string[]): Promise<void> {
    if (names.length > 0) onlyServices((await this.edited(stack, {})).project, names);
  }

  /** The compose text and variables after an edit (masked secrets keep their value), loaded. */
  private async edited(stack: StackRow, body: TUpdateStackRequest) {
    const stored = openEnv(this.vault, stack.env);
    const env = body.env ? mergeEnv(stored, body.env) : stored;
    const compose = body.compose ?? stack.compose;
    return { compose, env, project: await this.load(stack, compose, env) };
  }

  /** The stack's compose text loaded, against its repository at its commit for a stack from git. */
  private load(stack: StackRow, compose: string, env: TStackEnvEntry[]) {
    const git = gitSourceOf(stack);
    return git ? this.checkouts.load(git, compose, env) : loadStack(stack.name, compose, env);
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
      const env = openEnv(this.vault, stack.env);
      const git = gitSourceOf(stack);
      const project = git
        ? this.checkouts.loadKnown(git, stack.compose, env)
        : loadStack(stack.name, stack.compose, env);
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

/** Where a stack from git comes from; null for any other stack. */
function gitSourceOf(stack: StackRow): GitStackSource | null {
  return stack.source === 'git' && stack.gitPath ? { ...stack, gitPath: stack.gitPath } : null;
}

function labelsOf(stack: StackRow): Record<string, string> {
  return recordOwnerLabels(stack.createdById, stack.ownerTeamId);
}
