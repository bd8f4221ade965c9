import { Controller, Get, Inject } from '@nestjs/common';
import type { THealth, THostStatus } from '@berth/shared';
import { Access } from '../auth/access.decorator.js';
import { AppError } from '../common/app-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Public, for load balancers and `curl`: the database and each host's last known state. */
  @Get()
  @Access('public')
  async health(): Promise<THealth> {
    if (!(await this.prisma.ping())) throw AppError.databaseUnavailable();
    const hosts = await this.prisma.db.host.findMany({
      orderBy: { name: 'asc' },
      select: { id: true, name: true, status: true, lastSeenAt: true },
    });
    return {
      status: hosts.every((h) => h.status === 'up') ? 'ok' : 'degraded',
      version: this.config.version,
      database: { provider: this.config.database.provider, ok: true },
      hosts: hosts.map((h) => ({
        id: h.id,
        name: h.name,
        status: h.status as THostStatus,
        lastSeenAt: h.lastSeenAt?.toISOString() ?? null,
      })),
    };
  }
}
