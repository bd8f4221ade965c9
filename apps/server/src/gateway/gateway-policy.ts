import { Injectable } from '@nestjs/common';
import type { FieldIssue, Permission } from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import { HostPolicyService } from '../access/host-policy.service.js';
import type { Principal } from '../auth/principal.js';
import { ContainerAccess } from '../containers/container-access.js';
import { containerLookupOn } from '../containers/container-lookup.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import type { EnginePath } from './engine-path.js';
import type { EngineRoute, RouteMatch } from './engine-routes.js';
import { GatewayOwnership, type OwnedCall } from './gateway-ownership.js';

export type GatewayDecision =
  /** `owned`: the grant reaches only the caller's own resources; the call is limited to them. */
  | { kind: 'allow'; owned?: OwnedCall }
  /** The caller has no access to the host at all: answer as if it did not exist. */
  | { kind: 'hidden' }
  | { kind: 'deny'; missing: Permission | 'admin'; reason?: string };

/**
 * Decides whether a caller may make an engine call, from the permission catalog and the caller's
 * grants on the host. Global administrators may do everything, including routes outside the
 * catalog (`route` null), and are not bound by host security policies. A grant that reaches only
 * owned resources limits the call as its route's `owned` use says (see `engine-routes.ts`).
 */
@Injectable()
export class GatewayPolicy {
  private readonly ownership: GatewayOwnership;

  constructor(
    private readonly access: AccessService,
    private readonly hostPolicies: HostPolicyService,
    containers: ContainerAccess,
  ) {
    this.ownership = new GatewayOwnership(containers);
  }

  /**
   * Allow, hide or deny. For an owner-limited grant the target is looked up here, and a target
   * that is not the caller's throws `HiddenTarget`.
   */
  async decide(
    principal: Principal,
    engine: RegisteredEngine,
    match: RouteMatch | null,
    path: EnginePath,
  ): Promise<GatewayDecision> {
    if (principal.user.isAdmin) return { kind: 'allow' };
    const route = match?.route ?? null;
    const access = await this.access.forHost(principal.user, engine.hostId);
    if (!access.visible) return { kind: 'hidden' };
    if (!route) return { kind: 'deny', missing: 'admin' };
    const reach = access.reachOf(route.permission);
    if (reach === null) return { kind: 'deny', missing: route.permission };
    if (reach === 'all') return { kind: 'allow' };
    if (!route.owned) {
      return {
        kind: 'deny',
        missing: route.permission,
        reason: 'granted only for what you or your team own, and this call reaches beyond that',
      };
    }
    const owner = { userId: principal.user.id, teamIds: access.teamIds };
    return { kind: 'allow', owned: await this.ownership.scope(engine, match!, path, owner) };
  }

  /** Whether the body of this call must be read and checked before it is forwarded. */
  inspectsBody(principal: Principal, route: EngineRoute | null): boolean {
    return !principal.user.isAdmin && route?.policy !== undefined;
  }

  /** The host policy's objections to a request body, each naming the offending field. */
  async violations(
    engine: RegisteredEngine,
    route: EngineRoute | null,
    body: unknown,
  ): Promise<FieldIssue[]> {
    if (!route?.policy) return [];
    const policy = await this.hostPolicies.of(engine.hostId);
    return route.policy(policy, body, containerLookupOn(engine));
  }

  /** Whether the caller sees secret environment values in inspect answers as they are. */
  seesSecrets(principal: Principal): boolean {
    return principal.user.isAdmin;
  }
}
