import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import type { Reach } from '../access/host-access.js';
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
 * The permission check of every container route and socket subscription: the host must be visible
 * to the caller (else 404, as if it did not exist), the permission granted (else 403 naming it),
 * and for owner-limited grants the container must be the caller's or their team's (else 404).
 * Global administrators may do everything.
 */
@Injectable()
export class ContainerAccess {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly access: AccessService,
    private readonly inventory: ContainerInventory,
  ) {}

  async require(principal: Principal, hostId: string, permission: Permission): Promise<HostPermit> {
    const user = principal.user;
    if (user.isAdmin) {
      const engine = await this.engines.get(hostId);
      if (!engine) throw AppError.notFound('host');
      return { engine, user, reach: 'all', teamIds: [] };
    }
    const access = await this.access.forHost(user, hostId);
    if (!access.visible) throw AppError.notFound('host');
    const reach = access.reachOf(permission);
    if (!reach) {
      throw new AppError('FORBIDDEN', `this needs permission ${permission} on the host`, {
        missing: permission,
      });
    }
    const engine = await this.engines.get(hostId);
    if (!engine) throw AppError.notFound('host');
    return { engine, user, reach, teamIds: access.teamIds };
  }

  /** `require`, then the container itself: found, and the caller's own when the grant says so. */
  async requireContainer(
    principal: Principal,
    hostId: string,
    ref: string,
    permission: Permission,
  ): Promise<{ permit: HostPermit; container: ContainerRef }> {
    const permit = await this.require(principal, hostId, permission);
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

  /** Hosts whose containers the user may list, with how far that reaches. */
  async listReach(
    user: PrincipalUser,
    hostIds: readonly string[],
  ): Promise<Map<string, ListReach>> {
    const reach = new Map<string, ListReach>();
    for (const hostId of hostIds) {
      const listed = await this.reachOn(user, hostId, 'container.list');
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
