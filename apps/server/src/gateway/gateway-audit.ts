import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { type AuditOutcome, httpStatusOf, type Permission } from '@berth/shared';
import type { Logger } from 'pino';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import type { EngineCheck, IntendedEntry, PendingChange } from '../audit/audit-intent.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import type { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import type { EnginePath } from './engine-path.js';
import { HiddenTarget } from './gateway-ownership.js';

const READ_METHODS = new Set(['GET', 'HEAD']);

/** What the audit record of a gateway call needs to know about it. */
export interface AuditedCall {
  principal: Principal;
  hostId: string;
  path: EnginePath;
  permission: Permission | null;
  /** What the call acts on (`targetOf`). */
  target: string | null;
}

/** How a forwarded change ended, as far as Berth could see. */
export type ChangeEnd =
  /** The engine answered with this status (101 for an upgrade). */
  | { status: number; failure?: string | null }
  /** No answer: the engine may or may not have acted (the client left, the connection broke). */
  | { status: null; outcome: Extract<AuditOutcome, 'failure' | 'unknown'>; failure: string };

/** A forwarded change, journaled before the engine was asked; ended once, however often told. */
export interface GatewayChange {
  end(how: ChangeEnd): Promise<void>;
}

const NOTHING_TO_RECORD: GatewayChange = { end: () => Promise.resolve() };

/**
 * The audit records of gateway calls. A mutating call that goes to the engine is journaled first
 * (committed before it is forwarded) and settled with how it ended, so no engine change is ever
 * unaccounted for, even if Berth dies mid-call; one Berth refuses itself is recorded at once.
 * Reads are not recorded.
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

  /**
   * Journals a call about to be forwarded; resolves once that is committed. Rejects when it cannot
   * be (the database is away): the call must then not be made.
   */
  async begin(req: IncomingMessage, call: AuditedCall): Promise<GatewayChange> {
    if (this.isRead(req)) return NOTHING_TO_RECORD;
    const entry: IntendedEntry = {
      actor: actorOf(call.principal),
      action: 'engine.call',
      hostId: call.hostId,
      target: call.target,
      details: { method: req.method, path: call.path.route, permission: call.permission },
      ...requestFacts(req),
    };
    const pending = await this.audit.intend(entry, engineCheckOf(req.method ?? '', call.path));
    return { end: (how) => this.settle(pending, how) };
  }

  private async settle(pending: PendingChange, how: ChangeEnd): Promise<void> {
    const failure = how.failure ?? null;
    const outcome =
      how.status === null
        ? how.outcome
        : how.status < 400 && failure === null
          ? 'success'
          : 'failure';
    try {
      await pending.settle({
        outcome,
        status: how.status,
        ...(failure === null ? {} : { details: { error: failure } }),
      });
    } catch (error) {
      // The intent stays journaled and is settled as `unknown` later; the client still gets its answer.
      this.log.error({ err: error }, 'audit settle failed');
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
      target: call.target,
      status: httpStatusOf(error.code),
      details: { method: req.method, path: call.path.route, permission: call.permission },
      ...requestFacts(req),
    });
  }
}

/**
 * How a later start can ask the engine whether a change left unsettled took place: a named
 * container exists after its create, and a container, network or volume is gone after its removal.
 */
function engineCheckOf(method: string, path: EnginePath): EngineCheck | undefined {
  if (method === 'POST' && path.route === '/containers/create') {
    const name = path.query.get('name');
    return name ? { container: name, exists: true } : undefined;
  }
  const removed = /^\/containers\/([^/]+)$/.exec(path.route);
  if (method === 'DELETE' && removed?.[1]) return { container: removed[1], exists: false };
  const network = /^\/networks\/([^/]+)$/.exec(path.route);
  if (method === 'DELETE' && network?.[1]) return { network: network[1], exists: false };
  const volume = /^\/volumes\/([^/]+)$/.exec(path.route);
  if (method === 'DELETE' && volume?.[1]) return { volume: volume[1], exists: false };
  return undefined;
}
