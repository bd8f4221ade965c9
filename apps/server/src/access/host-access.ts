import type { Permission } from '@berth/shared';

/** How far a permission reaches on one host: every resource, or only those the user or team owns. */
export type Reach = 'all' | 'owned';

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

  can(permission: Permission): boolean {
    return this.reach.has(permission);
  }

  get permissions(): Permission[] {
    return [...this.reach.keys()];
  }
}
