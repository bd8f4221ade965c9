import { Injectable } from '@nestjs/common';
import { PERMISSION_NAMES, type Permission, type TCapabilities } from '@berth/shared';
import type { PrincipalUser } from '../auth/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import { AccessService } from './access.service.js';

/**
 * Tells the dashboard what its user may do. It asks AccessService, the one the REST API, the
 * gateway and socket.io ask, so a button shown is a call that is allowed.
 */
@Injectable()
export class CapabilitiesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
  ) {}

  async of(user: PrincipalUser): Promise<TCapabilities> {
    const hosts = await this.prisma.db.host.findMany({
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    const entries = await Promise.all(
      hosts.map(async ({ id }): Promise<[string, Permission[], Permission[]]> => {
        if (user.isAdmin) return [id, [...PERMISSION_NAMES], []];
        const access = await this.access.forHost(user, id);
        // In catalog order, so the answer reads the same whichever grant gave what.
        return [
          id,
          PERMISSION_NAMES.filter((permission) => access.can(permission)),
          PERMISSION_NAMES.filter((permission) => access.reachOf(permission) === 'owned'),
        ];
      }),
    );
    return {
      isAdmin: user.isAdmin,
      // A host without any grant stays hidden, as the API answers 404 for it.
      hosts: Object.fromEntries(
        entries.filter(([, held]) => held.length > 0).map(([id, held]) => [id, held]),
      ),
      ownedOnly: Object.fromEntries(
        entries.filter(([, , owned]) => owned.length > 0).map(([id, , owned]) => [id, owned]),
      ),
    };
  }
}
