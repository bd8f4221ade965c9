import type { IncomingMessage } from 'node:http';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import type { AuditActor, AuditEntry } from '../audit/audit-log.js';
import type { HostGrant } from '../access/host-access.js';
import type { Principal } from '../auth/principal.js';

/**
 * Who is acting and from where: what permission checks and audit records need, whether the call
 * came over REST or socket.io.
 */
export interface Caller {
  principal: Principal;
  actor: AuditActor;
  facts: Pick<AuditEntry, 'ip' | 'userAgent' | 'requestId'>;
  /** The permission its REST route declares, as the route's guard found it granted. */
  grant?: HostGrant;
}

export function callerOf(principal: Principal, req: IncomingMessage): Caller {
  return { principal, actor: actorOf(principal), facts: requestFacts(req) };
}
