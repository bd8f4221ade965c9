import { Injectable } from '@nestjs/common';
import {
  checkContainerCreate,
  checkVolumeCreate,
  type FieldIssue,
  type Permission,
} from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import { HostPolicyService } from '../access/host-policy.service.js';
import type { Principal } from '../auth/principal.js';

export type GatewayDecision =
  | { kind: 'allow' }
  /** The caller has no access to the host at all: answer as if it did not exist. */
  | { kind: 'hidden' }
  | { kind: 'deny'; missing: Permission | 'admin'; reason?: string };

/** Engine routes whose request body is checked against the host's security policy. */
const INSPECTED_BODIES: Record<
  string,
  (policy: Parameters<typeof checkContainerCreate>[0], body: unknown) => FieldIssue[]
> = {
  '/containers/create': checkContainerCreate,
  '/volumes/create': checkVolumeCreate,
};

/**
 * Decides whether a caller may make an engine call, from the permission catalog and the caller's
 * grants on the host. Global administrators may do everything, including routes outside the
 * catalog (`permission` null), and are not bound by host security policies.
 */
@Injectable()
export class GatewayPolicy {
  constructor(
    private readonly access: AccessService,
    private readonly hostPolicies: HostPolicyService,
  ) {}

  async decide(
    principal: Principal,
    hostId: string,
    permission: Permission | null,
  ): Promise<GatewayDecision> {
    if (principal.user.isAdmin) return { kind: 'allow' };
    const access = await this.access.forHost(principal.user, hostId);
    if (!access.visible) return { kind: 'hidden' };
    if (!permission) return { kind: 'deny', missing: 'admin' };
    const reach = access.reachOf(permission);
    if (reach === null) return { kind: 'deny', missing: permission };
    if (reach === 'owned') {
      // Ownership is checked by the REST API, which knows each resource's owner labels; the raw
      // Engine API passthrough cannot tell whose a container is without inspecting every target.
      return {
        kind: 'deny',
        missing: permission,
        reason: 'granted only for resources you own; use the dashboard or REST API',
      };
    }
    return { kind: 'allow' };
  }

  /** Whether the body of this call must be read and checked before it is forwarded. */
  inspectsBody(principal: Principal, method: string, route: string): boolean {
    return !principal.user.isAdmin && method === 'POST' && route in INSPECTED_BODIES;
  }

  /** The host policy's objections to a create body, each naming the offending field. */
  async violations(hostId: string, route: string, body: unknown): Promise<FieldIssue[]> {
    const check = INSPECTED_BODIES[route];
    return check ? check(await this.hostPolicies.of(hostId), body) : [];
  }
}
