import { Injectable } from '@nestjs/common';
import type { TContainerListQuery, TContainerListResponse, TContainerSort } from '@berth/shared';
import type { PrincipalUser } from '../auth/principal.js';
import { ContainerInventory } from '../inventory/container-inventory.js';
import { ContainerAccess } from './container-access.js';
import { pageRows, type SortedRow, sortRows } from './container-query.js';

/**
 * The fleet container list, answered from the inventory. The whole fleet sorted one way is kept
 * until the inventory changes, so paging and filtering do not sort again on every request.
 */
@Injectable()
export class ContainerListService {
  private readonly sorted = new Map<string, { version: number; rows: SortedRow[] }>();

  constructor(
    private readonly inventory: ContainerInventory,
    private readonly access: ContainerAccess,
  ) {}

  async list(user: PrincipalUser, query: TContainerListQuery): Promise<TContainerListResponse> {
    const wanted = query.hostId ? new Set(query.hostId) : null;
    const hostIds = this.inventory
      .all()
      .map((host) => host.hostId)
      .filter((id) => !wanted || wanted.has(id));
    const reach = await this.access.listReach(user, hostIds);
    return pageRows(
      this.rows(query.sort, query.order),
      {
        reach,
        userId: user.id,
        states: query.state,
        q: query.q,
      },
      query,
    );
  }

  private rows(sort: TContainerSort, order: 'asc' | 'desc'): SortedRow[] {
    const key = `${sort}:${order}`;
    const cached = this.sorted.get(key);
    if (cached && cached.version === this.inventory.version) return cached.rows;
    const rows = sortRows(this.inventory.all(), sort, order);
    this.sorted.set(key, { version: this.inventory.version, rows });
    return rows;
  }
}
