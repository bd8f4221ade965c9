import { Inject, Injectable } from '@nestjs/common';
import type { CheckoutFile, ComposePlan, PlanStep } from '@berth/compose';
import type { AuditAction, TStackStatus } from '@berth/shared';
import type { Logger } from 'pino';
import { recordOwnerLabels } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { ImagePuller } from '../containers/image-puller.js';
import { PrismaService } from '../database/prisma.service.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { VolumeBrowser } from '../volumes/volume-browser.js';
import type { StackFiles } from './stack-checkout.js';
import { scrub, scrubDeep } from './stack-env.js';
import { StackImageBuilder } from './stack-image-builder.js';
import { type StackLock, StackLocks } from './stack-locks.js';
import { planView } from './stack-plan-view.js';
import { type CheckoutPlacement, type ImageSources, runPlan } from './stack-runner.js';
import { StackCheckoutPlacer } from './stack-checkout-placer.js';

export type DeploymentTrigger =
  'deploy' | 'redeploy' | 'start' | 'stop' | 'down' | 'delete' | 'webhook';

export interface DeploymentRequest {
  caller: Caller;
  engine: RegisteredEngine;
  /** The stack with its recorded owner, whose labels what the plan creates carries. */
  stack: { id: string; name: string; createdById: string | null; ownerTeamId: string | null };
  trigger: DeploymentTrigger;
  /** Who or what started it, as the history shows it (default: the caller's user name). */
  triggeredBy?: string;
  /** A queued deployment of the stack to run, instead of recording a new one. */
  deploymentId?: string;
  /** The git commit deployed, for a stack from a repository. */
  commit?: string;
  /** SHA-256 (hex) of the compose file a deploy applies. */
  composeDigest?: string;
  action: AuditAction;
  /** The plan to run; `replan` (after the pulls it lists ran) gives the rest of it. */
  plan: ComposePlan;
  replan?: () => Promise<ComposePlan>;
  /** What the deployment shows as its plan until it ends (the whole plan, when `plan` is a part). */
  preview?: ComposePlan;
  /** Status of the stack once the plan ran to the end. */
  statusAfter: TStackStatus;
  /** Values never to appear in the output. */
  secrets: string[];
  /** Runs after a successful plan (a delete forgets the stack). */
  afterSuccess?: () => Promise<void>;
  /** Opens the stack's files for the builds of the plan (a stack from git); none: nothing to build from. */
  files?: () => Promise<StackFiles>;
  /** The repository files each service has bound, written into its new containers. */
  checkoutFiles?: Record<string, CheckoutFile[]>;
}

/**
 * Runs stack operations as deployments: one at a time per stack, on every replica (a second is
 * refused with 409 naming the running one; `StackLocks` holds the stack across replicas), each step's progress pushed to the user who started it, the plan,
 * outcome and output stored with the deployment, and the engine work journaled in the audit log
 * before it starts.
 */
@Injectable()
export class StackDeployer {
  private readonly running = new Map<string, string>();
  private readonly placer: StackCheckoutPlacer;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: ContainerAudit,
    private readonly puller: ImagePuller,
    private readonly builder: StackImageBuilder,
    private readonly locks: StackLocks,
    private readonly publisher: RealtimePublisher,
    volumes: VolumeBrowser,
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.placer = new StackCheckoutPlacer(volumes, config.engineTimeoutMs);
  }

  /** Refuses when another operation of the stack runs. */
  assertIdle(stackId: string, name: string): void {
    const current = this.running.get(stackId);
    if (current) throw busy(name, current);
  }

  /** Records the deployment and starts it; resolves with its id and the run itself. */
  async start(request: DeploymentRequest): Promise<{ deploymentId: string; done: Promise<void> }> {
    this.assertIdle(request.stack.id, request.stack.name);
    this.running.set(request.stack.id, 'pending');
    let lock: StackLock | undefined;
    try {
      const taken = await this.locks.take(request.stack.id);
      if ('busyWith' in taken) throw busy(request.stack.name, taken.busyWith);
      lock = taken;
      const plan = JSON.stringify(
        scrubDeep(planView(request.preview ?? request.plan), request.secrets),
      );
      const deployment = request.deploymentId
        ? await this.prisma.db.stackDeployment.update({
            where: { id: request.deploymentId },
            data: {
              status: 'running',
              plan,
              commit: request.commit ?? null,
              composeDigest: request.composeDigest ?? null,
            },
          })
        : await this.prisma.db.stackDeployment.create({
            data: {
              stackId: request.stack.id,
              status: 'running',
              trigger: request.trigger,
              triggeredBy: request.triggeredBy ?? request.caller.principal.user.username,
              plan,
              commit: request.commit ?? null,
              composeDigest: request.composeDigest ?? null,
            },
          });
      this.running.set(request.stack.id, deployment.id);
      await lock.running(deployment.id);
      const held = lock;
      // Released before `done` settles, so whatever follows the deployment finds the stack free.
      const done = this.run(request, deployment.id).finally(async () => {
        this.running.delete(request.stack.id);
        await held.release();
      });
      return { deploymentId: deployment.id, done };
    } catch (error) {
      this.running.delete(request.stack.id);
      await lock?.release();
      throw error;
    }
  }

  private async run(request: DeploymentRequest, deploymentId: string): Promise<void> {
    const { caller, engine, stack } = request;
    const lines: string[] = [];
    const say = (line: string) => lines.push(scrub(line, request.secrets));
    type Status = 'started' | 'done' | 'failed';
    const push = (step: PlanStep, status: Status, message?: string) =>
      this.publisher.toUser(caller.principal.user.id, 'stack.progress', {
        stackId: stack.id,
        deploymentId,
        step: step.id,
        status,
        ...(message ? { message: scrub(message, request.secrets) } : {}),
      });
    const progress = (step: PlanStep, status: Status, message?: string) => {
      say(`${status.padEnd(7)} ${step.id}${message ? `: ${message}` : ''}`);
      push(step, status, message);
    };
    const events = {
      started: (step: PlanStep) => progress(step, 'started'),
      done: (step: PlanStep) => progress(step, 'done'),
      failed: (step: PlanStep, message: string) => progress(step, 'failed', message),
    };
    /** A line of a step's own output (a build's log): stored, and pushed while the step runs. */
    const output = (step: PlanStep, line: string) => {
      say(`        ${step.id} | ${line}`);
      push(step, 'started', line);
    };
    let files: Promise<StackFiles> | undefined;
    /** The stack's files, fetched once for all the steps that need them. */
    const stackFiles = () =>
      (files ??= request.files
        ? request.files()
        : Promise.reject(new Error('the stack has no files to build from')));
    const images: ImageSources = {
      pull: (image) =>
        this.puller.pull(engine, image, {
          userId: caller.principal.user.id,
          requestId: deploymentId,
        }),
      build: async (step) => {
        await this.builder.build(engine, caller.principal.user, stack.name, step, stackFiles, (l) =>
          output(step, l),
        );
      },
    };
    const checkoutFiles = request.checkoutFiles ?? {};
    const checkout: CheckoutPlacement | undefined = request.files && {
      fill: async (volume, folder) => this.placer.fill(engine, await stackFiles(), volume, folder),
      place: async (container, service) => {
        const placed = checkoutFiles[service] ?? [];
        if (placed.length > 0) {
          await this.placer.place(engine, await stackFiles(), container, placed);
        }
      },
    };
    const owner = recordOwnerLabels(stack.createdById, stack.ownerTeamId);
    let failedStep: string | null = null;
    let plan = request.plan;
    const runAll = async () => {
      try {
        let result = await runPlan(engine, plan, images, events, owner, checkout);
        if (result.ok && request.replan) {
          const rest = await request.replan();
          plan = { ...rest, steps: [...plan.steps, ...rest.steps] };
          result = await runPlan(engine, rest, images, events, owner, checkout);
        }
        return result;
      } finally {
        await (await files?.catch(() => undefined))?.dispose();
      }
    };
    try {
      await this.audit.around(
        caller,
        {
          action: request.action,
          hostId: engine.hostId,
          target: stack.name,
          details: { trigger: request.trigger },
        },
        async (beforeEngine) => {
          await beforeEngine();
          const result = await runAll();
          if (!result.ok) {
            failedStep = result.failedStep ? scrub(result.failedStep, request.secrets) : null;
            throw new AppError(
              'ENGINE_ERROR',
              scrub(`step ${failedStep} failed: ${result.error}`, request.secrets),
            );
          }
          await request.afterSuccess?.();
        },
      );
      say('finished');
      await this.finish(deploymentId, stack.id, 'succeeded', request.statusAfter, {
        plan: scrubDeep(planView(plan), request.secrets),
        lines,
        failedStep: null,
      });
    } catch (error) {
      say(`failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.finish(deploymentId, stack.id, 'failed', 'failed', {
        plan: scrubDeep(planView(plan), request.secrets),
        lines,
        failedStep,
      });
    }
  }

  private async finish(
    deploymentId: string,
    stackId: string,
    status: 'succeeded' | 'failed',
    stackStatus: TStackStatus,
    /** The plan as answered (secrets scrubbed), the output lines and the step that failed. */
    result: { plan: ReturnType<typeof planView>; lines: string[]; failedStep: string | null },
  ): Promise<void> {
    const { plan, lines, failedStep } = result;
    try {
      await this.prisma.db.stackDeployment.updateMany({
        where: { id: deploymentId },
        data: {
          status,
          failedStep,
          plan: JSON.stringify(plan),
          output: lines.join('\n'),
          finishedAt: new Date(),
        },
      });
      await this.prisma.db.stack.updateMany({
        where: { id: stackId },
        data: { status: stackStatus },
      });
    } catch (error) {
      this.log.error({ err: error, deploymentId }, 'stack deployment result not stored');
    }
  }
}

/** The answer to a second operation on a stack while `deploymentId` runs. */
function busy(name: string, deploymentId: string): AppError {
  return new AppError(
    'CONFLICT',
    `stack ${name} is busy with deployment ${deploymentId}; try again when it has finished`,
    { deploymentId },
  );
}
