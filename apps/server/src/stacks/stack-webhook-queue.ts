import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Caller } from '../containers/caller.js';
import { WebhookJobs } from '../webhooks/webhook-jobs.js';
import { StackLocks } from './stack-locks.js';

/** Starts a redeploy: with `queuedId`, the queued deployment row it runs as. */
export type Redeploy = (
  queuedId?: string,
) => Promise<{ deploymentId: string; done: Promise<void> }>;

export interface Triggered {
  deploymentId: string;
  status: 'running' | 'queued';
}

interface FollowUp {
  /** The queued deployment row, once recorded. */
  id: Promise<string>;
  redeploy: Redeploy;
  /** When the last trigger joined it (Date.now()). */
  joinedAt: number;
}

interface Slot {
  followUp?: FollowUp;
}

/** How often a deployment this queue did not start is checked for having ended. */
const POLL_MS = 500;
/** A follow-up starts only once no trigger has joined it for this long: a burst is one redeploy. */
const QUIET_MS = 1_000;

/** What a stack webhook's redeploy needs to run on any replica. */
export interface StackRun {
  webhook: { id: string; createdById: string };
  stackId: string;
  pullImages: boolean;
  services: string[];
  triggeredBy: string;
  facts: Caller['facts'];
}

/**
 * Coalesces webhook redeploys per stack: a trigger on an idle stack starts a redeploy; one that
 * comes while a deployment of the stack is starting or running records a single queued
 * follow-up (later triggers join it), which runs once the current one has ended and no trigger
 * has joined it for QUIET_MS. With several replicas (`WebhookJobs.shared`) each trigger is a
 * BullMQ job of the stack (`triggerShared`), run by whichever replica's worker takes it
 * (`runShared`), so the running redeploy and its follow-up are one across replicas.
 */
@Injectable()
export class StackWebhookQueue {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly locks: StackLocks,
    private readonly jobs: WebhookJobs,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** `triggeredBy`: what the history shows for a follow-up this trigger records. */
  async trigger(
    stack: { id: string },
    redeploy: Redeploy,
    triggeredBy: string,
  ): Promise<Triggered> {
    const slot = this.slots.get(stack.id);
    if (slot) return this.follow(stack.id, slot, redeploy, triggeredBy);
    const current: Slot = {};
    this.slots.set(stack.id, current);
    try {
      const { deploymentId, done } = await redeploy();
      void done.finally(() => this.next(stack.id, current));
      return { deploymentId, status: 'running' };
    } catch (error) {
      const running = busyWith(error);
      if (!running) {
        this.next(stack.id, current);
        throw error;
      }
      // Another operation of the stack (started by a user) runs: follow it.
      void this.ended(running).then(() => this.next(stack.id, current));
      return this.follow(stack.id, current, redeploy, triggeredBy);
    }
  }

  /**
   * A trigger with several replicas: joins the stack's waiting redeploy, or records one as a
   * queued deployment and adds its job; `running` when it starts at once.
   */
  async triggerShared(run: StackRun): Promise<Triggered> {
    const { runId, status } = await this.jobs.trigger(
      'stack',
      `stack:${run.stackId}`,
      run,
      async (id) => {
        await this.record(run.stackId, run.triggeredBy, id);
      },
      (id) =>
        this.failed(
          id,
          new Error('Redis (REDIS_URL) did not answer in time; the call was answered 503'),
        ),
    );
    // A deployment a user started holds the stack: the job waits for it.
    const held = status === 'running' && (await this.locks.busy(run.stackId).catch(() => false));
    return { deploymentId: runId, status: held ? 'queued' : status };
  }

  /** Resolves once no replica deploys the stack: a shared job's run may start. */
  async idle(stackId: string): Promise<void> {
    while (await this.locks.busy(stackId).catch(() => true)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /**
   * Runs a shared job's queued deployment `queuedId` (unless it already ran: a job taken over
   * from a stopped replica), waiting for a deployment of the stack that holds it; a redeploy
   * that cannot run marks the deployment failed with the reason.
   */
  async runShared(stackId: string, queuedId: string, redeploy: Redeploy | string): Promise<void> {
    const row = await this.prisma.db.stackDeployment.findUnique({
      where: { id: queuedId },
      select: { status: true },
    });
    if (row?.status !== 'queued') return;
    if (typeof redeploy === 'string') return this.failed(queuedId, new Error(redeploy));
    for (;;) {
      try {
        const { done } = await redeploy(queuedId);
        return await done;
      } catch (error) {
        if (!busyWith(error)) return this.failed(queuedId, error);
        await this.idle(stackId);
      }
    }
  }

  /** Joins the slot's queued follow-up, or records one. */
  private async follow(
    stackId: string,
    slot: Slot,
    redeploy: Redeploy,
    triggeredBy: string,
  ): Promise<Triggered> {
    if (!slot.followUp) {
      const id = this.record(stackId, triggeredBy);
      slot.followUp = { id, redeploy, joinedAt: Date.now() };
    }
    slot.followUp.joinedAt = Date.now();
    return { deploymentId: await slot.followUp.id, status: 'queued' };
  }

  /** Records a queued follow-up deployment (`id`: a shared job's run id). */
  private async record(stackId: string, triggeredBy: string, id?: string): Promise<string> {
    const row = await this.prisma.db.stackDeployment.create({
      data: { id, stackId, status: 'queued', trigger: 'webhook', triggeredBy },
    });
    return row.id;
  }

  /** Runs the slot's follow-up, if any, as the stack's current deployment. */
  private next(stackId: string, slot: Slot): void {
    const followUp = slot.followUp;
    if (!followUp) {
      this.slots.delete(stackId);
      return;
    }
    void (async () => {
      for (let quiet = QUIET_MS; quiet > 0; quiet = followUp.joinedAt + QUIET_MS - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, quiet));
      }
      // From here on, a trigger records a new follow-up instead of joining this one.
      const current: Slot = {};
      this.slots.set(stackId, current);
      let queuedId: string | undefined;
      try {
        queuedId = await followUp.id;
        const { done } = await followUp.redeploy(queuedId);
        await done;
      } catch (error) {
        if (queuedId) await this.failed(queuedId, error);
        else this.log.warn({ err: error, stackId }, 'queued webhook redeploy did not run');
      }
      this.next(stackId, current);
    })();
  }

  /** A queued follow-up that could not run is marked failed with the reason. */
  private async failed(queuedId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.log.warn({ err: error, deploymentId: queuedId }, 'queued webhook redeploy did not run');
    await this.prisma.db.stackDeployment
      .updateMany({
        where: { id: queuedId, status: 'queued' },
        data: { status: 'failed', output: `failed: ${message}`, finishedAt: new Date() },
      })
      .catch(() => undefined);
  }

  /** Resolves once the deployment is no longer queued or running (or stored). */
  private async ended(deploymentId: string): Promise<void> {
    for (;;) {
      const row = await this.prisma.db.stackDeployment
        .findUnique({ where: { id: deploymentId }, select: { status: true } })
        .catch(() => null);
      if (!row || (row.status !== 'running' && row.status !== 'queued')) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** The deployment a 409 of the stack deployer names as running. */
function busyWith(error: unknown): string | undefined {
  if (!(error instanceof AppError) || error.code !== 'CONFLICT') return undefined;
  const id = (error.details as { deploymentId?: unknown } | undefined)?.deploymentId;
  return typeof id === 'string' ? id : undefined;
}
