import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';

/**
 * Permission checks for plugin and host storage routes: the host's grant as for containers (hidden
 * host 404, missing permission 403). Plugins, the engine's disk usage and a host-wide prune belong
 * to everyone on the host, so a grant limited to the caller's own objects reads them but may not
 * change them.
 */
@Injectable()
export class PluginAccess {
  constructor(private readonly access: ContainerAccess) {}

  read(caller: Caller, hostId: string, permission: Permission): Promise<HostPermit> {
    return this.access.require(caller.principal, hostId, permission, caller.grant);
  }

  async change(caller: Caller, hostId: string, permission: Permission): Promise<HostPermit> {
    const permit = await this.read(caller, hostId, permission);
    if (permit.reach !== 'all') {
      throw new AppError(
        'FORBIDDEN',
        `this acts on what everyone on the host shares: it needs permission ${permission} on all of the host, not only on your own objects`,
        { missing: permission },
      );
    }
    return permit;
  }
}
