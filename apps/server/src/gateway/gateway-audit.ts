import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { httpStatusOf, type Permission } from '@berth/shared';
import type { Logger } from 'pino';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import type { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import type { EnginePath } from './engine-path.js';
import { targetOf } from './engine-routes.js';
import { HiddenTarget } from './gateway-ownership.js';

const READ_METHODS = new Set(['GET', 'HEAD']);

/** What the audit record of a gateway call needs to know about it. */
export interface AuditedCall {
  principal: Principal;
  hostId: string;
  path: EnginePath;
  permission: Permission | null;
}

/**
 * The audit records of gateway calls: every mutating call, whether forwarded (with the engine's
 * status, or how its progress stream ended) or refused by Berth. Reads are not recorded.
 */
@Injectable()
export class GatewayAudit {
  constructor(
    private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** True for calls that change nothing and are not recorded. */
  isRead(req: IncomingMessage): boolean {
    return READ_METHODS.has(req.method ?? 'GET');
  }

  /** A forwarded call, committed before its answer is passed on. */
  async call(
    req: IncomingMessage,
    call: AuditedCall,
    status: number | null,
    /** What went wrong, when the status does not say it (a failure inside a progress stream). */
    failure: string | null = null,
  ): Promise<void> {
    if (this.isRead(req)) return;
    try {
      await this.audit.record({
        actor: actorOf(call.principal),
        action: 'engine.call',
        outcome: status !== null && status < 400 && failure === null ? 'success' : 'failure',
        hostId: call.hostId,
        target: targetOf(call.path.route, call.path.query),
        status,
        details: {
          method: req.method,
          path: call.path.route,
          permission: call.permission,
          ...(failure === null ? {} : { error: failure }),
        },
        ...requestFacts(req),
      });
    } catch (error) {
      this.log.error({ err: error }, 'audit record failed');
    }
  }

  /**
   * A call Berth answered itself without forwarding it: `denied` for a refusal (403, or another's
   * object hidden as 404), `failure` for a bad body or a target that does not exist. Reads are
   * recorded only when they were refused for reaching another's object.
   */
  async refusal(req: IncomingMessage, call: AuditedCall, error: AppError): Promise<void> {
    const hidden = error instanceof HiddenTarget;
    if (this.isRead(req) && !(hidden && error.exists) && error.code !== 'FORBIDDEN') return;
    const refused = error.code === 'FORBIDDEN' || (hidden && error.exists);
    await this.audit.record({
      actor: actorOf(call.principal),
      action: 'engine.call',
      outcome: refused ? 'denied' : 'failure',
      hostId: call.hostId,
      target: targetOf(call.path.route, call.path.query),
      status: httpStatusOf(error.code),
      details: { method: req.method, path: call.path.route, permission: call.permission },
      ...requestFacts(req),
    });
  }
}
