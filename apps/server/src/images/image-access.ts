import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';

/**
 * Permission checks for image routes: the host's grant as for containers (hidden host 404,
 * missing permission 403). Images carry no owner, so a grant limited to the caller's own objects
 * reaches them only for reading and pulling; tagging, pushing and removing act on what everyone
 * on the host shares, and are refused to it, as the gateway refuses them.
 */
@Injectable()
export class ImageAccess {
  constructor(private readonly access: ContainerAccess) {}

  /** Reading and pulling: any grant of the permission. */
  read(caller: Caller, hostId: string, permission: Permission): Promise<HostPermit> {
    return this.access.require(caller.principal, hostId, permission, caller.grant);
  }

  /** Changing shared images: the permission on every object of the host. */
  async change(caller: Caller, hostId: string, permission: Permission): Promise<HostPermit> {
    const permit = await this.read(caller, hostId, permission);
    if (permit.reach !== 'all') {
      throw new AppError(
        'FORBIDDEN',
        `images are shared by everyone on the host: this needs permission ${permission} on all of the host, not only on your own objects`,
        { missing: permission },
      );
    }
    return permit;
  }
}
