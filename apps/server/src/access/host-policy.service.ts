import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_HOST_POLICY,
  type THostPolicy,
  type THostPolicyInput,
  ZHostPolicy,
} from '@berth/shared';
import type { Logger } from 'pino';
import { auditFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { PrismaService } from '../database/prisma.service.js';

/**
 * Each host's security policy (what containers created by anyone but a global administrator may
 * ask for). A host without a stored policy gets the safe default, which forbids everything.
 */
@Injectable()
export class HostPolicyService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The policy in force on a host; for the gateway, which has already authorised the caller. */
  async of(hostId: string): Promise<THostPolicy> {
    const row = await this.prisma.db.hostPolicy.findUnique({ where: { hostId } });
    if (!row) return DEFAULT_HOST_POLICY;
    const parsed = ZHostPolicy.safeParse(JSON.parse(row.policy));
    if (parsed.success) return parsed.data;
    // A stored policy that no longer parses must not open anything up.
    this.log.warn({ hostId }, 'stored host policy is invalid; using the safe default');
    return DEFAULT_HOST_POLICY;
  }

  /** Who may read or replace it is the routes' `host.manage`, checked before these run. */
  async get(hostId: string): Promise<THostPolicy> {
    await this.requireHost(hostId);
    return this.of(hostId);
  }

  async put(
    hostId: string,
    input: THostPolicyInput,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<THostPolicy> {
    await this.requireHost(hostId);
    const policy = ZHostPolicy.parse(input);
    const before = await this.of(hostId);
    await this.audit.change(async (tx) => {
      const value = JSON.stringify(policy);
      await tx.hostPolicy.upsert({
        where: { hostId },
        create: { hostId, policy: value },
        update: { policy: value },
      });
      return {
        result: undefined,
        entry: {
          ...auditFacts(principal, req),
          action: 'policy.update',
          outcome: 'success',
          hostId,
          target: hostId,
          details: { changed: changedFields(before, policy), policy },
        },
      };
    });
    return policy;
  }

  /** A global administrator may name a host that does not exist; nobody else gets this far. */
  private async requireHost(hostId: string): Promise<void> {
    const host = await this.prisma.db.host.findUnique({
      where: { id: hostId },
      select: { id: true },
    });
    if (!host) throw AppError.notFound('host');
  }
}

function changedFields(before: THostPolicy, after: THostPolicy): string[] {
  return (Object.keys(after) as (keyof THostPolicy)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}
