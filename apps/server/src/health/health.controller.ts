import { Controller, Inject } from '@nestjs/common';
import { ROUTES, type THealth, type THostStatus } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import { Route } from '../common/route.decorator.js';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Public, for load balancers and `curl`: the database and each host's last known state. */
  @Route(ROUTES.health)
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
