import type { IncomingMessage } from 'node:http';
import { requestIdOf } from '../common/request-id.js';
import type { Principal } from '../auth/principal.js';
import type { AuditActor, AuditEntry } from './audit-log.js';

export function actorOf(principal: Principal | null | undefined): AuditActor {
  if (!principal) return { type: 'anonymous', id: null, name: 'anonymous' };
  if (principal.kind === 'token') {
    return {
      type: 'token',
      id: principal.user.id,
      name: `${principal.user.username} (token ${principal.tokenId})`,
    };
  }
  return { type: 'user', id: principal.user.id, name: principal.user.username };
}

/** The request facts every audit record carries: source address, user agent and request id. */
export function requestFacts(
  req: IncomingMessage,
): Pick<AuditEntry, 'ip' | 'userAgent' | 'requestId'> {
  const ip = (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? '';
  return { ip, userAgent: req.headers['user-agent'] ?? '', requestId: requestIdOf(req) };
}

/** Who did it and from where: the part of an audit record every change made over HTTP shares. */
export function auditFacts(
  principal: Principal,
  req: IncomingMessage,
): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'> {
  return { actor: actorOf(principal), ...requestFacts(req) };
}
