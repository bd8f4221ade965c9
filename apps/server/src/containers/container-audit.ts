import { Inject, Injectable } from '@nestjs/common';
import type { AuditAction, AuditOutcome } from '@berth/shared';
import type { Logger } from 'pino';
import { type EngineCheck, type PendingChange, failedOutcome } from '../audit/audit-intent.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from './caller.js';

export interface ContainerAuditEntry {
  action: AuditAction;
  hostId: string;
  /** The container's name (or id when the name is not known). */
  target: string;
  outcome: AuditOutcome;
  /** Non-secret facts only: never environment values. */
  details?: Record<string, unknown>;
  status?: number;
}

/**
 * Called by a change right before its first engine call: journals the change and resolves once
 * that is committed (AuditLog.intend). Checks and reads come before it; a failure before it is
 * recorded as usual, one after it settles the journaled change.
 */
export type BeforeEngine = (check?: EngineCheck) => Promise<void>;

/** Writes one container audit record with the caller's actor, address, agent and request id. */
@Injectable()
export class ContainerAudit {
  constructor(
    private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async record(caller: Caller, entry: ContainerAuditEntry): Promise<void> {
    try {
      await this.audit.record({ actor: caller.actor, ...caller.facts, ...entry });
    } catch (error) {
      this.log.error({ err: error, action: entry.action }, 'audit record failed');
    }
  }

  /**
   * Runs a change and records its outcome; a refusal is recorded as denied. `work` calls
   * `beforeEngine` before it changes anything on the engine, so the change is journaled first and
   * is accounted for even if the server dies before the engine answers.
   */
  async around<T>(
    caller: Caller,
    entry: Omit<ContainerAuditEntry, 'outcome'>,
    work: (beforeEngine: BeforeEngine) => Promise<T>,
    detailsOf?: (result: T) => Record<string, unknown>,
  ): Promise<T> {
    let pending: PendingChange | null = null;
    const beforeEngine: BeforeEngine = async (check) => {
      if (pending) return;
      try {
        pending = await this.audit.intend(
          { actor: caller.actor, ...caller.facts, ...entry },
          check,
        );
      } catch (error) {
        // The engine is not asked: no change is made that the journal does not hold first.
        throw new AppError('INTERNAL', 'the audit log could not be written', {}, error);
      }
    };
    try {
      const result = await work(beforeEngine);
      await this.finish(caller, entry, pending, {
        outcome: 'success',
        details: { ...entry.details, ...detailsOf?.(result) },
      });
      return result;
    } catch (error) {
      const denied = error instanceof AppError && error.code === 'FORBIDDEN';
      await this.finish(caller, entry, pending, {
        // Once the engine was asked, a lost answer leaves the outcome open.
        outcome: denied ? 'denied' : pending ? failedOutcome(error) : 'failure',
        details: {
          ...entry.details,
          ...(error instanceof AppError
            ? { error: error.code, reason: error.message }
            : { error: 'INTERNAL' }),
        },
      });
      throw error;
    }
  }

  /** Settles the journaled change, or records one that never reached the engine. */
  private async finish(
    caller: Caller,
    entry: Omit<ContainerAuditEntry, 'outcome'>,
    pending: PendingChange | null,
    end: { outcome: AuditOutcome; details: Record<string, unknown> },
  ): Promise<void> {
    if (!pending) {
      await this.record(caller, { ...entry, ...end });
      return;
    }
    try {
      await pending.settle({ ...end, target: entry.target });
    } catch (error) {
      // The intent stays in the journal and is settled as unknown later; the change was made.
      this.log.error({ err: error, action: entry.action }, 'audit settle failed');
    }
  }
}
