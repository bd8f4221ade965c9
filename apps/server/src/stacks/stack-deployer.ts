import { Inject, Injectable } from '@nestjs/common';
import type { ComposePlan, PlanStep } from '@berth/compose';
import type { AuditAction, TStackStatus } from '@berth/shared';
import type { Logger } from 'pino';
import { recordOwnerLabels } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { ImagePuller } from '../containers/image-puller.js';
import { PrismaService } from '../database/prisma.service.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { scrub } from './stack-env.js';
import { planView } from './stack-plan-view.js';
import { runPlan } from './stack-runner.js';

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
}

/**
 * Runs stack operations as deployments: one at a time per stack (a second is refused with 409
 * naming the running one), each step's progress pushed to the user who started it, the plan,
 * outcome and output stored with the deployment, and the engine work journaled in the audit log
 * before it starts.
 */
@Injectable()
export class StackDeployer {
  private readonly running = new Map<string, string>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: ContainerAudit,
    private readonly puller: ImagePuller,
    private readonly publisher: RealtimePublisher,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Refuses when another operation of the stack runs. */
  assertIdle(stackId: string, name: string): void {
    const current = this.running.get(stackId);
    if (current) {
      throw new AppError(
        'CONFLICT',
        `stack ${name} is busy with deployment ${current}; try again when it has finished`,
        { deploymentId: current },
      );
    }
  }

  /** Records the deployment and starts it; resolves with its id and the run itself. */
  async start(request: DeploymentRequest): Promise<{ deploymentId: string; done: Promise<void> }> {
    this.assertIdle(request.stack.id, request.stack.name);
    this.running.set(request.stack.id, 'pending');
    try {
      const plan = JSON.stringify(planView(request.preview ?? request.plan));
      const deployment = request.deploymentId
        ? await this.prisma.db.stackDeployment.update({
            where: { id: request.deploymentId },
            data: { status: 'running', plan },
          })
        : await this.prisma.db.stackDeployment.create({
            data: {
              stackId: request.stack.id,
              status: 'running',
              trigger: request.trigger,
              triggeredBy: request.triggeredBy ?? request.caller.principal.user.username,
              plan,
            },
          });
      this.running.set(request.stack.id, deployment.id);
      const done = this.run(request, deployment.id).finally(() =>
        this.running.delete(request.stack.id),
      );
      return { deploymentId: deployment.id, done };
    } catch (error) {
      this.running.delete(request.stack.id);
      throw error;
    }
  }

  private async run(request: DeploymentRequest, deploymentId: string): Promise<void> {
    const { caller, engine, stack } = request;
    const lines: string[] = [];
    const say = (line: string) => lines.push(scrub(line, request.secrets));
    const progress = (step: PlanStep, status: 'started' | 'done' | 'failed', message?: string) => {
      say(`${status.padEnd(7)} ${step.id}${message ? `: ${message}` : ''}`);
      this.publisher.toUser(caller.principal.user.id, 'stack.progress', {
        stackId: stack.id,
        deploymentId,
        step: step.id,
        status,
        ...(message ? { message: scrub(message, request.secrets) } : {}),
      });
    };
    const events = {
      started: (step: PlanStep) => progress(step, 'started'),
      done: (step: PlanStep) => progress(step, 'done'),
      failed: (step: PlanStep, message: string) => progress(step, 'failed', message),
    };
    const pull = (image: string) =>
      this.puller.pull(engine, image, {
        userId: caller.principal.user.id,
        requestId: deploymentId,
      });
    const owner = recordOwnerLabels(stack.createdById, stack.ownerTeamId);
    let failedStep: string | null = null;
    let plan = request.plan;
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
          let result = await runPlan(engine, plan, pull, events, owner);
          if (result.ok && request.replan) {
            const rest = await request.replan();
            plan = { ...rest, steps: [...plan.steps, ...rest.steps] };
            result = await runPlan(engine, rest, pull, events, owner);
          }
          if (!result.ok) {
            failedStep = result.failedStep ?? null;
            throw new AppError('ENGINE_ERROR', `step ${failedStep} failed: ${result.error}`);
          }
          await request.afterSuccess?.();
        },
      );
      say('finished');
      await this.finish(
        deploymentId,
        stack.id,
        'succeeded',
        request.statusAfter,
        plan,
        lines,
        null,
      );
    } catch (error) {
      say(`failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.finish(deploymentId, stack.id, 'failed', 'failed', plan, lines, failedStep);
    }
  }

  private async finish(
    deploymentId: string,
    stackId: string,
    status: 'succeeded' | 'failed',
    stackStatus: TStackStatus,
    plan: ComposePlan,
    lines: string[],
    failedStep: string | null,
  ): Promise<void> {
    try {
      await this.prisma.db.stackDeployment.updateMany({
        where: { id: deploymentId },
        data: {
          status,
          failedStep,
          plan: JSON.stringify(planView(plan)),
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
