import { Injectable } from '@nestjs/common';
import { isBuiltInRole, isPermission, type Permission, ROLE_DEFINITIONS } from '@berth/shared';
import { LRUCache } from 'lru-cache';
import type { PrincipalUser } from '../auth/principal.js';
import { ClusterBus } from '../database/cluster-bus.js';
import { PrismaService } from '../database/prisma.service.js';
import { HostAccess, type HostGrant, type Reach } from './host-access.js';

const CACHE_TTL_MS = 2_000;
/** User and host pairs asked about within CACHE_TTL_MS: 100 active users on 100 hosts fit. */
const CACHE_MAX = 10_000;

interface RoleGrant {
  permissions: readonly Permission[];
  ownedOnly: boolean;
}

/**
 * Works out what a user may do on a host from their grants and their teams' grants. Results are
 * cached for two seconds because the gateway asks on every call; grant changes evict at once, on
 * this replica and (through the ClusterBus) on the others.
 */
@Injectable()
export class AccessService {
  /** Answers by user and host; a lookup in flight is shared by everyone who asks meanwhile. */
  private readonly cache = new LRUCache<string, Promise<HostAccess>>({
    max: CACHE_MAX,
    ttl: CACHE_TTL_MS,
  });

  constructor(
    private readonly prisma: PrismaService,
    private readonly cluster: ClusterBus,
  ) {
    cluster.onMessage((message) => {
      if (message.kind === 'access') this.cache.clear();
    });
  }

  async forHost(user: PrincipalUser, hostId: string): Promise<HostAccess> {
    const key = `${user.id}:${hostId}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const access = this.compute(user, hostId);
    this.cache.set(key, access);
    // A failed lookup is not remembered.
    access.catch(() => {
      if (this.cache.peek(key) === access) this.cache.delete(key);
    });
    return access;
  }

  /**
   * Whether the user holds `permission` on the host (`HostAccess.require`: 404 when the host is
   * hidden, 403 naming the permission). Global administrators hold every permission everywhere;
   * whether the host exists is then for the caller to find out.
   */
  async require(user: PrincipalUser, hostId: string, permission: Permission): Promise<HostGrant> {
    if (user.isAdmin) return { hostId, permission, reach: 'all', teamIds: [] };
    return (await this.forHost(user, hostId)).require(permission);
  }

  invalidate(): void {
    this.cache.clear();
    this.cluster.publish({ kind: 'access' });
  }

  private async compute(user: PrincipalUser, hostId: string): Promise<HostAccess> {
    const host = await this.prisma.db.host.findUnique({
      where: { id: hostId },
      select: { group: true },
    });
    if (!host) return HostAccess.none(hostId);
    const teamIds = (
      await this.prisma.db.teamMember.findMany({
        where: { userId: user.id },
        select: { teamId: true },
      })
    ).map((m) => m.teamId);
    const grants = await this.prisma.db.grant.findMany({
      where: {
        AND: [
          {
            OR: [{ userId: user.id }, ...(teamIds.length > 0 ? [{ teamId: { in: teamIds } }] : [])],
          },
          {
            OR: [
              { allHosts: true },
              { hostId },
              ...(host.group ? [{ hostGroup: host.group }] : []),
            ],
          },
        ],
      },
      select: { role: true },
    });
    const reach = new Map<Permission, Reach>();
    for (const grant of grants) {
      const role = await this.role(grant.role);
      if (!role) continue;
      for (const permission of role.permissions) {
        if (reach.get(permission) !== 'all')
          reach.set(permission, role.ownedOnly ? 'owned' : 'all');
      }
    }
    return new HostAccess(hostId, reach, teamIds);
  }

  private async role(key: string): Promise<RoleGrant | null> {
    if (isBuiltInRole(key)) return ROLE_DEFINITIONS[key];
    const custom = await this.prisma.db.role.findUnique({ where: { id: key } });
    if (!custom) return null;
    const names = JSON.parse(custom.permissions) as string[];
    return { permissions: names.filter(isPermission), ownedOnly: false };
  }
}
