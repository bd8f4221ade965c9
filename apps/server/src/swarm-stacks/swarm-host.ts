import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import type { Caller } from '../containers/caller.js';
import { SwarmAccess, type SwarmPermit } from '../swarm/swarm-access.js';
import { SwarmApi } from './swarm-api.js';

/** A manager host a caller may act on, with its swarm calls. */
export interface SwarmHost {
  permit: SwarmPermit;
  api: SwarmApi;
}

/**
 * The permission on the host (the route's own, as its guard found it), then the host itself: a
 * swarm manager, else 409 NOT_A_SWARM_MANAGER saying what it is instead (`SwarmAccess`).
 */
@Injectable()
export class SwarmHosts {
  constructor(private readonly access: SwarmAccess) {}

  async open(caller: Caller, hostId: string, permission: Permission): Promise<SwarmHost> {
    const permit = await this.access.manager(caller, hostId, permission);
    return { permit, api: new SwarmApi(permit.engine.client) };
  }
}
