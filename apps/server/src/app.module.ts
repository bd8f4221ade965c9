import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { ApiTokensController } from './auth/api-tokens.controller.js';
import { ApiTokensService } from './auth/api-tokens.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { Authenticator } from './auth/authenticator.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { ErrorFilter } from './common/error.filter.js';
import { LOGGER } from './common/logger.js';
import { createValidationPipe } from './common/validation.js';
import { CONFIG, type Config } from './config/config.js';
import { PrismaService } from './database/prisma.service.js';
import { DockerGateway } from './gateway/docker-gateway.js';
import { GatewayPolicy } from './gateway/gateway-policy.js';
import { RegistryAuth } from './gateway/registry-auth.js';
import { HealthController } from './health/health.controller.js';
import { EngineRegistry } from './hosts/engine-registry.js';
import { HostEvents } from './hosts/host-events.js';
import { HostHealthMonitor } from './hosts/host-health-monitor.js';
import { HostsController } from './hosts/hosts.controller.js';
import { HostsService } from './hosts/hosts.service.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { RealtimeGateway } from './realtime/realtime.gateway.js';
import { RegistriesController } from './registries/registries.controller.js';
import { RegistriesService } from './registries/registries.service.js';
import { VaultModule } from './vault/vault.module.js';

@Module({})
export class AppModule {
  /** The whole server, wired around a checked config and the process logger. */
  static forRoot(config: Config, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [VaultModule],
      controllers: [
        HealthController,
        AuthController,
        ApiTokensController,
        HostsController,
        RegistriesController,
        OpenApiController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        PrismaService,
        AuditLog,
        PasswordHasher,
        Authenticator,
        AuthService,
        ApiTokensService,
        EngineRegistry,
        HostEvents,
        HostsService,
        HostHealthMonitor,
        RealtimeGateway,
        DockerGateway,
        GatewayPolicy,
        RegistryAuth,
        RegistriesService,
      ],
      exports: [CONFIG, LOGGER],
    };
  }
}
