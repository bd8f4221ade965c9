import { Inject, Injectable } from '@nestjs/common';
import type { AuditAction, AuditOutcome } from '@berth/shared';
import type { Logger } from 'pino';
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

  /** Runs a change and records its outcome; a refusal is recorded as denied. */
  async around<T>(
    caller: Caller,
    entry: Omit<ContainerAuditEntry, 'outcome'>,
    work: () => Promise<T>,
    detailsOf?: (result: T) => Record<string, unknown>,
  ): Promise<T> {
    try {
      const result = await work();
      await this.record(caller, {
        ...entry,
        outcome: 'success',
        details: { ...entry.details, ...detailsOf?.(result) },
      });
      return result;
    } catch (error) {
      const denied = error instanceof AppError && error.code === 'FORBIDDEN';
      await this.record(caller, {
        ...entry,
        outcome: denied ? 'denied' : 'failure',
        details: {
          ...entry.details,
          error: error instanceof AppError ? error.code : 'INTERNAL',
        },
      });
      throw error;
    }
  }
}
