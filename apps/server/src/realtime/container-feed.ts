import { Injectable } from '@nestjs/common';
import type { TInventoryChange } from '@berth/shared';
import type { Principal } from '../auth/principal.js';
import { ContainerAccess, withinReach } from '../containers/container-access.js';
import { ContainerInventory } from '../inventory/container-inventory.js';

/**
 * Inventory changes for live container lists: containers appearing, changing, going, and hosts
 * going stale or fresh, limited to what the user may list (`container.list`, and ownership).
 */
@Injectable()
export class ContainerFeed {
  constructor(
    private readonly inventory: ContainerInventory,
    private readonly access: ContainerAccess,
  ) {}

  async subscribe(
    principal: Principal,
    hostId: string | undefined,
    deliver: (change: TInventoryChange) => void,
  ): Promise<() => void> {
    if (hostId) await this.access.require(principal, hostId, 'container.list');
    const user = principal.user;
    let open = true;
    const stop = this.inventory.onChange((change) => {
      if (change.kind === 'counts' || (hostId && change.hostId !== hostId)) return;
      this.access.listReach(user, [change.hostId]).then(
        (reach) => {
          const host = reach.get(change.hostId);
          if (!open || !host) return;
          if (
            change.kind === 'upsert' &&
            !withinReach(change.container.labels, host.reach, user.id, host.teamIds)
          ) {
            return;
          }
          deliver(change);
        },
        // The database is unavailable: a change nobody may be shown is not sent.
        () => undefined,
      );
    });
    return () => {
      open = false;
      stop();
    };
  }
}
