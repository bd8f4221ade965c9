import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import type { Principal } from '../auth/principal.js';

export type GatewayDecision =
  | { kind: 'allow' }
  /** The caller has no access to the host at all: answer as if it did not exist. */
  | { kind: 'hidden' }
  | { kind: 'deny'; missing: Permission | 'admin' };

/**
 * Decides whether a caller may make an engine call. Global administrators may do everything,
 * including routes outside the catalog (`permission` null). Everyone else is refused until grants
 * per host exist; this is the one place they plug in.
 */
@Injectable()
export class GatewayPolicy {
  decide(principal: Principal, _hostId: string, permission: Permission | null): GatewayDecision {
    if (principal.user.isAdmin) return { kind: 'allow' };
    return permission ? { kind: 'hidden' } : { kind: 'deny', missing: 'admin' };
  }
}
