import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ApiRoute } from '@berth/shared';
import type { Logger } from 'pino';
import { AccessService } from '../access/access.service.js';
import type { HostGrant } from '../access/host-access.js';
import { auditFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Principal } from './principal.js';

/** A request past its route's permission check: the grant it was let through with. */
export type RequestWithGrant = IncomingMessage & {
  params?: Record<string, string | undefined>;
  hostGrant?: HostGrant;
};

/** The grant a request's route was checked with, for the handler's ownership rules. */
export function grantOf(req: IncomingMessage): HostGrant | undefined {
  return (req as RequestWithGrant).hostGrant;
}

/**
 * The permission a route declares in the contract, checked on the host its path names before the
 * handler runs (`AuthGuard` calls it once the caller is known). The answer is the one every channel
 * gives (`HostAccess.require`); a refused change is recorded under the route's audit action.
 */
@Injectable()
export class RoutePermission {
  constructor(
    private readonly access: AccessService,
    private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly log: Logger,
    @Optional() private readonly prisma?: PrismaService,
  ) {}

  async check(route: ApiRoute, principal: Principal, req: RequestWithGrant): Promise<void> {
    if (!route.permission) return;
    const hostId = req.params?.hostId ?? (await this.hostFrom(route, req));
    if (!hostId) throw new Error(`route ${route.path} declares a permission but names no host`);
    try {
      req.hostGrant = await this.access.require(principal.user, hostId, route.permission);
    } catch (error) {
      if (error instanceof AppError) await this.recordRefusal(route, principal, req, error);
      throw error;
    }
  }

  /** The host of the stored object a route without `hostId` acts on; unknown objects are 404. */
  private async hostFrom(route: ApiRoute, req: RequestWithGrant): Promise<string | undefined> {
    const id = req.params?.id;
    if (!route.hostFrom || !id || !this.prisma) return undefined;
    switch (route.hostFrom) {
      case 'stack': {
        const stack = await this.prisma.db.stack.findUnique({
          where: { id },
          select: { hostId: true },
        });
        if (!stack) throw AppError.notFound('stack');
        req.params = { ...req.params, stackHostId: stack.hostId };
        return stack.hostId;
      }
    }
  }

  private async recordRefusal(
    route: ApiRoute,
    principal: Principal,
    req: RequestWithGrant,
    error: AppError,
  ): Promise<void> {
    if (!route.audit || (error.code !== 'FORBIDDEN' && error.code !== 'NOT_FOUND')) return;
    try {
      await this.audit.record({
        ...auditFacts(principal, req),
        action: route.audit,
        // A host the caller may not see is recorded as a failure, as an unknown host would be.
        outcome: error.code === 'FORBIDDEN' ? 'denied' : 'failure',
        hostId: req.params?.hostId ?? req.params?.stackHostId ?? null,
        target: req.params?.id ?? req.params?.name ?? null,
        details: { error: error.code, reason: error.message },
      });
    } catch (failure) {
      // The refusal is answered all the same; the log says the record is missing.
      this.log.error({ err: failure, action: route.audit }, 'audit record failed');
    }
  }
}
