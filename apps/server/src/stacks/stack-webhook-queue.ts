import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { PrismaService } from '../database/prisma.service.js';
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

/**
 * Coalesces webhook redeploys per stack: a trigger on an idle stack starts a redeploy; one that
 * comes while a deployment of the stack is starting or running records a single queued
 * follow-up (later triggers join it), which runs once the current one has ended and no trigger
 * has joined it for QUIET_MS. With several replicas (`StackLocks.shared`) the follow-up is one
 * across them: the replica that recorded it starts it, and triggers on every replica join it.
 */
@Injectable()
export class StackWebhookQueue {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly locks: StackLocks,
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
    // Between a deployment's end and its follow-up's start the stack is free, but the burst
    // that queued the follow-up is still the follow-up's to serve.
    if (this.locks.shared && (await this.locks.hasFollowUp(stack.id))) {
      return this.followShared(stack.id, redeploy, triggeredBy);
    }
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
      // Another operation of the stack (started by a user, or on another replica) runs: follow it.
      void this.ended(stack.id, running).then(() => this.next(stack.id, current));
      return this.follow(stack.id, current, redeploy, triggeredBy);
    }
  }

  /** Joins the slot's queued follow-up, or records one. */
  private async follow(
    stackId: string,
    slot: Slot,
    redeploy: Redeploy,
    triggeredBy: string,
  ): Promise<Triggered> {
    if (this.locks.shared) return this.followShared(stackId, redeploy, triggeredBy);
    if (!slot.followUp) {
      const id = this.record(stackId, triggeredBy);
      slot.followUp = { id, redeploy, joinedAt: Date.now() };
    }
    slot.followUp.joinedAt = Date.now();
    return { deploymentId: await slot.followUp.id, status: 'queued' };
  }

  /** Records a queued follow-up deployment. */
  private async record(stackId: string, triggeredBy: string): Promise<string> {
    const row = await this.prisma.db.stackDeployment.create({
      data: { stackId, status: 'queued', trigger: 'webhook', triggeredBy },
    });
    return row.id;
  }

  /** Joins the follow-up every replica shares, or records it (and then starts it here). */
  private async followShared(
    stackId: string,
    redeploy: Redeploy,
    triggeredBy: string,
  ): Promise<Triggered> {
    const { deploymentId, mine } = await this.locks.joinFollowUp(stackId, () =>
      this.record(stackId, triggeredBy),
    );
    if (mine) void this.runShared(stackId, deploymentId, redeploy);
    return { deploymentId, status: 'queued' };
  }

  /** Starts a shared follow-up once the stack is free on every replica and the burst is over. */
  private async runShared(stackId: string, queuedId: string, redeploy: Redeploy): Promise<void> {
    try {
      for (;;) {
        await this.ended(stackId);
        const quiet = (await this.locks.quietSince(stackId)) + QUIET_MS - Date.now();
        if (quiet > 0) await new Promise((resolve) => setTimeout(resolve, quiet));
        else if (!(await this.locks.busy(stackId))) break;
      }
      await this.locks.startFollowUp(stackId, queuedId);
      const { done } = await redeploy(queuedId);
      await done;
    } catch (error) {
      await this.failed(queuedId, error);
    }
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

  /**
   * Resolves once the stack's deployment has ended: with several replicas, once no replica holds
   * the stack; on one server, once the deployment is no longer queued or running (or stored).
   */
  private async ended(stackId: string, deploymentId?: string): Promise<void> {
    for (;;) {
      if (this.locks.shared) {
        if (!(await this.locks.busy(stackId).catch(() => true))) return;
      } else {
        const row = deploymentId
          ? await this.prisma.db.stackDeployment
              .findUnique({ where: { id: deploymentId }, select: { status: true } })
              .catch(() => null)
          : null;
        if (!row || (row.status !== 'running' && row.status !== 'queued')) return;
      }
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
