import type { Permission } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import type { ContainerAccess, HostPermit } from '../containers/container-access.js';

/**
 * Permission checks for what carries no owner and belongs to everyone on a host (images,
 * plugins, the engine's disk usage): the host's grant as for containers (hidden host 404, missing
 * permission 403). A grant limited to the caller's own objects reaches them for reading only;
 * a change is refused to it, as the gateway refuses it.
 */
export abstract class SharedObjectAccess {
  /** `shared`: what the refusal says is shared, e.g. "images are shared by everyone on the host". */
  protected constructor(
    private readonly access: ContainerAccess,
    private readonly shared: string,
  ) {}

  /** Reading (and, for images, pulling): any grant of the permission. */
  read(caller: Caller, hostId: string, permission: Permission): Promise<HostPermit> {
    return this.access.require(caller.principal, hostId, permission, caller.grant);
  }

  /** Changing what everyone shares: the permission on every object of the host. */
  async change(caller: Caller, hostId: string, permission: Permission): Promise<HostPermit> {
    const permit = await this.read(caller, hostId, permission);
    if (permit.reach !== 'all') {
      throw new AppError(
        'FORBIDDEN',
        `${this.shared}: this needs permission ${permission} on all of the host, not only on your own objects`,
        { missing: permission },
      );
    }
    return permit;
  }
}
