import type { Permission } from '@berth/shared';
import { AppError } from '../common/app-error.js';

/** How far a permission reaches on one host: every resource, or only those the user or team owns. */
export type Reach = 'all' | 'owned';

/** A permission a user holds on a host, with how far it reaches: what a check hands on. */
export interface HostGrant {
  hostId: string;
  permission: Permission;
  reach: Reach;
  /** The teams whose resources count as the user's own (none for global administrators). */
  teamIds: readonly string[];
}

/**
 * What one user may do on one host: the union of their grants. A permission given by any grant
 * without ownership limits reaches everything, even if another grant limits it to owned resources.
 */
export class HostAccess {
  constructor(
    readonly hostId: string,
    private readonly reach: ReadonlyMap<Permission, Reach>,
    /** The teams whose resources count as the user's own. */
    readonly teamIds: readonly string[],
  ) {}

  static none(hostId: string): HostAccess {
    return new HostAccess(hostId, new Map(), []);
  }

  /** False when the user has no grant at all on the host: it is then hidden from them (404). */
  get visible(): boolean {
    return this.reach.size > 0;
  }

  reachOf(permission: Permission): Reach | null {
    return this.reach.get(permission) ?? null;
  }

  /**
   * The one answer to a missing permission, on every channel: a host without any grant is hidden
   * (404, as if it did not exist), else 403 naming the permission.
   */
  require(permission: Permission): HostGrant {
    if (!this.visible) throw AppError.notFound('host');
    const reach = this.reachOf(permission);
    if (!reach) {
      throw new AppError('FORBIDDEN', `this needs permission ${permission} on the host`, {
        missing: permission,
      });
    }
    return { hostId: this.hostId, permission, reach, teamIds: this.teamIds };
  }

  can(permission: Permission): boolean {
    return this.reach.has(permission);
  }

  get permissions(): Permission[] {
    return [...this.reach.keys()];
  }
}
