import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { Leases } from '../cluster/leases.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import { AuditLog } from './audit-log.js';

const DAY_MS = 86_400_000;

/**
 * Deletes audit records older than BERTH_AUDIT_RETENTION_DAYS, at start and then daily. Only a
 * prefix of the chain is ever removed (everything before the oldest record that is young enough),
 * so the rest still verifies from its first record. With several replicas the holder of the
 * `audit-retention` lease runs it: when it takes the lease, then daily while it holds it.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLog,
    private readonly leases: Leases,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auditRetentionDays === 0) return;
    this.leases.onTaken('audit-retention', () => void this.run());
    void this.run();
    this.timer = setInterval(() => void this.run(), DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Prunes as of `now`; answers how many records went. */
  async prune(now = new Date()): Promise<number> {
    const days = this.config.auditRetentionDays;
    if (days === 0) return 0;
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const db = this.prisma.db;
    const firstKept = await db.auditEvent.findFirst({
      where: { time: { gte: cutoff } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    const { count } = await db.auditEvent.deleteMany({
      where: firstKept ? { id: { lt: firstKept.id } } : { time: { lt: cutoff } },
    });
    if (count === 0) return 0;
    await this.audit.record({
      actor: { type: 'system', id: null, name: 'system' },
      action: 'audit.prune',
      outcome: 'success',
      details: { deleted: count, olderThan: cutoff.toISOString(), retentionDays: days },
    });
    this.log.info({ deleted: count, retentionDays: days }, 'pruned old audit records');
    return count;
  }

  private async run(): Promise<void> {
    if (!this.leases.holds('audit-retention')) return;
    try {
      await this.prune();
    } catch (error) {
      this.log.warn({ err: error }, 'audit retention failed');
    }
  }
}
