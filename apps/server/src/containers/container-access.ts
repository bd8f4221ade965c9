import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import type { HostGrant, Reach } from '../access/host-access.js';
import { type Owner, withinReach } from '../access/ownership.js';
import type { Principal, PrincipalUser } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { EngineRegistry, type RegisteredEngine } from '../hosts/engine-registry.js';
import { ContainerInventory } from '../inventory/container-inventory.js';
import { engineError } from './engine-error.js';

// The ownership rule is access/ownership.ts; re-exported for the container modules and feeds.
export { ownerLabels, withinReach } from '../access/ownership.js';

/** What a caller may do on one host for one permission, and with which engine. */
export interface HostPermit {
  engine: RegisteredEngine;
  user: PrincipalUser;
  /** `owned`: only containers labelled with the user's id or one of their teams. */
  reach: Reach;
  teamIds: readonly string[];
}

/** The container a call is about, as far as the inventory (or the engine) knows it. */
export interface ContainerRef {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** Reach and teams of one user on one host, for filtering lists. */
export interface ListReach {
  reach: Reach;
  teamIds: readonly string[];
}

/**
 * The engine and reach behind every container route and socket subscription. The permission is
 * the route's own, checked before the handler by `RoutePermission` (its grant handed on as
 * `granted`); bulk actions and socket subscriptions have it checked here, with the same answer
 * (`AccessService.require`: host hidden 404, permission missing 403). For owner-limited grants the
 * container must be the caller's or their team's (else 404). Global administrators may do
 * everything.
 */
@Injectable()
export class ContainerAccess {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly access: AccessService,
    private readonly inventory: ContainerInventory,
  ) {}

  async require(
    principal: Principal,
    hostId: string,
    permission: Permission,
    granted?: HostGrant,
  ): Promise<HostPermit> {
    const grant =
      granted?.hostId === hostId && granted.permission === permission
        ? granted
        : await this.access.require(principal.user, hostId, permission);
    const engine = await this.engines.get(hostId);
    if (!engine) throw AppError.notFound('host');
    return { engine, user: principal.user, reach: grant.reach, teamIds: grant.teamIds };
  }

  /** `require`, then the container itself: found, and the caller's own when the grant says so. */
  async requireContainer(
    principal: Principal,
    hostId: string,
    ref: string,
    permission: Permission,
    granted?: HostGrant,
  ): Promise<{ permit: HostPermit; container: ContainerRef }> {
    const permit = await this.require(principal, hostId, permission, granted);
    const container = await this.lookup(permit.engine, ref);
    if (!withinReach(container.labels, permit.reach, permit.user.id, permit.teamIds))
      throw AppError.notFound('container');
    return { permit, container };
  }

  /**
   * Whose a new object becomes: the user, with their teams. An administrator's permit carries no
   * teams (it reaches everything), so theirs are looked up for the owner labels.
   */
  async ownerOf(permit: HostPermit): Promise<Owner> {
    const teamIds = permit.user.isAdmin
      ? (await this.access.forHost(permit.user, permit.engine.hostId)).teamIds
      : permit.teamIds;
    return { userId: permit.user.id, teamIds };
  }

  /** Hosts whose containers (or images, networks, volumes) the user may list, with how far that reaches. */
  async listReach(
    user: PrincipalUser,
    hostIds: readonly string[],
    permission: Permission = 'container.list',
  ): Promise<Map<string, ListReach>> {
    const reach = new Map<string, ListReach>();
    for (const hostId of hostIds) {
      const listed = await this.reachOn(user, hostId, permission);
      if (listed) reach.set(hostId, listed);
    }
    return reach;
  }

  /** How far a permission reaches on a host for the user, or null without it (for socket feeds). */
  async reachOn(
    user: PrincipalUser,
    hostId: string,
    permission: Permission,
  ): Promise<ListReach | null> {
    if (user.isAdmin) return { reach: 'all', teamIds: [] };
    const access = await this.access.forHost(user, hostId);
    const reach = access.reachOf(permission);
    return reach ? { reach, teamIds: access.teamIds } : null;
  }

  /**
   * The container a reference (id, name or id prefix) names on a host: from the inventory, else by
   * inspecting it. A missing one throws NOT_FOUND with the engine's message.
   */
  async lookup(engine: RegisteredEngine, ref: string): Promise<ContainerRef> {
    const known = this.inventory.find(engine.hostId, ref);
    if (known) {
      const { id, name, labels } = known.summary;
      return { id, name, labels };
    }
    try {
      const inspect = await engine.client.inspectContainer(ref);
      return {
        id: inspect.Id,
        name: inspect.Name.replace(/^\//, ''),
        labels: inspect.Config?.Labels ?? {},
      };
    } catch (error) {
      throw engineError(error, 'container', engine.name);
    }
  }
}
