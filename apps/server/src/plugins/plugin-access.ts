import { Injectable } from '@nestjs/common';
import { SharedObjectAccess } from '../access/shared-object-access.js';
import { ContainerAccess } from '../containers/container-access.js';

/**
 * Permission checks for plugin and host storage routes. Plugins, the engine's disk usage and a
 * host-wide prune belong to everyone on the host, so a grant limited to the caller's own objects
 * reads them but may not change them.
 */
@Injectable()
export class PluginAccess extends SharedObjectAccess {
  constructor(access: ContainerAccess) {
    super(access, 'this acts on what everyone on the host shares');
  }
}
