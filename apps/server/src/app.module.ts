import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { AccessService } from './access/access.service.js';
import { CapabilitiesController } from './access/capabilities.controller.js';
import { CapabilitiesService } from './access/capabilities.service.js';
import { GrantsController } from './access/grants.controller.js';
import { GrantsService } from './access/grants.service.js';
import { HostPolicyController } from './access/host-policy.controller.js';
import { HostPolicyService } from './access/host-policy.service.js';
import { RolesController } from './access/roles.controller.js';
import { RolesService } from './access/roles.service.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditIntentRecovery } from './audit/audit-intent-recovery.js';
import { AuditLog } from './audit/audit-log.js';
import { AuditQueryService } from './audit/audit-query.service.js';
import { AuditRetention } from './audit/audit-retention.js';
import { ApiTokensController } from './auth/api-tokens.controller.js';
import { ApiTokensService } from './auth/api-tokens.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { RoutePermission } from './auth/route-permission.js';
import { AuthService } from './auth/auth.service.js';
import { Authenticator } from './auth/authenticator.js';
import { CredentialWatch } from './auth/credential-watch.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { SessionsController } from './auth/sessions.controller.js';
import { PasswordChangeService } from './auth/password-change.service.js';
import { PasswordConfirmation } from './auth/password-confirmation.js';
import { SessionsService } from './auth/sessions.service.js';
import { TotpController } from './auth/totp.controller.js';
import { TotpService } from './auth/totp.service.js';
import { ErrorFilter } from './common/error.filter.js';
import { LOGGER } from './common/logger.js';
import { createValidationPipe } from './common/validation.js';
import { CONFIG, type Config } from './config/config.js';
import { ClusterBus } from './database/cluster-bus.js';
import { Leases } from './cluster/leases.js';
import { RedisConnection } from './cluster/redis-connection.js';
import { PrismaService } from './database/prisma.service.js';
import { DockerGateway } from './gateway/docker-gateway.js';
import { GatewayAudit } from './gateway/gateway-audit.js';
import { GatewayAuthoriser } from './gateway/gateway-authoriser.js';
import { GatewayPolicy } from './gateway/gateway-policy.js';
import { RegistryAuth } from './gateway/registry-auth.js';
import { SharedReads } from './gateway/shared-reads.js';
import { HealthController } from './health/health.controller.js';
import { EngineRegistry } from './hosts/engine-registry.js';
import { HostEvents } from './hosts/host-events.js';
import { HostHealthMonitor } from './hosts/host-health-monitor.js';
import { HostsController } from './hosts/hosts.controller.js';
import { HostsService } from './hosts/hosts.service.js';
import { NetworkCreateService } from './networks/network-create.service.js';
import { NetworksController } from './networks/networks.controller.js';
import { NetworksService } from './networks/networks.service.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { VolumeBrowser } from './volumes/volume-browser.js';
import { VolumeCreateService } from './volumes/volume-create.service.js';
import { VolumesController } from './volumes/volumes.controller.js';
import { VolumesService } from './volumes/volumes.service.js';
import { RealtimeGateway } from './realtime/realtime.gateway.js';
import { ContainerAccess } from './containers/container-access.js';
import { ContainerAudit } from './containers/container-audit.js';
import { ContainerCreateService } from './containers/container-create.service.js';
import { ContainerLifecycleService } from './containers/container-lifecycle.service.js';
import { ContainerListService } from './containers/container-list.service.js';
import { ContainerPolicy } from './containers/container-policy.js';
import { ContainerLogDownload } from './containers/container-log-download.js';
import { ContainerLogsController } from './containers/container-logs.controller.js';
import { ContainerRecreateService } from './containers/container-recreate.service.js';
import { FleetContainersController } from './containers/fleet-containers.controller.js';
import { HostContainersController } from './containers/host-containers.controller.js';
import { ImagePuller } from './containers/image-puller.js';
import { ContainerInventory } from './inventory/container-inventory.js';
import { FleetSummaryController } from './inventory/fleet-summary.controller.js';
import { FleetSummaryService } from './inventory/fleet-summary.service.js';
import { ResourceListService } from './inventory/resource-list.service.js';
import { GitFetcher } from './git/git-fetcher.js';
import { ImageAccess } from './images/image-access.js';
import { ImageBuildService } from './images/image-build.service.js';
import { ImageLoadService } from './images/image-load.service.js';
import { ImageTransferService } from './images/image-transfer.service.js';
import { ImagesController } from './images/images.controller.js';
import { ImagesService } from './images/images.service.js';
import { HostStorageController } from './hosts/host-storage.controller.js';
import { HostStorageService } from './hosts/host-storage.service.js';
import { PluginAccess } from './plugins/plugin-access.js';
import { PluginInstallService } from './plugins/plugin-install.service.js';
import { PluginsController } from './plugins/plugins.controller.js';
import { PluginsService } from './plugins/plugins.service.js';
import { ResourceListsController } from './inventory/resource-lists.controller.js';
import { ConsoleHandlers } from './realtime/console-handlers.js';
import { ConsoleRelay } from './realtime/console-relay.js';
import { ConsoleSessions } from './realtime/console-sessions.js';
import { ContainerFeed } from './realtime/container-feed.js';
import { EngineEventFeed } from './realtime/engine-event-feed.js';
import { LogStreams } from './realtime/log-streams.js';
import { RealtimePublisher } from './realtime/realtime-publisher.js';
import { StatsStreams } from './realtime/stats-streams.js';
import { SubscriptionHandlers } from './realtime/subscription-handlers.js';
import { SummaryFeed } from './realtime/summary-feed.js';
import { RegistriesController } from './registries/registries.controller.js';
import { RegistriesService } from './registries/registries.service.js';
import { EcrTokens } from './registries/ecr-tokens.js';
import { RegistryBrowser } from './registries/registry-browser.js';
import { RegistryCredentialsService } from './registries/registry-credentials.js';
import { TeamsController } from './teams/teams.controller.js';
import { TeamsService } from './teams/teams.service.js';
import { UsersController } from './users/users.controller.js';
import { UserNames } from './users/user-names.js';
import { UserNamesController } from './users/user-names.controller.js';
import { UsersService } from './users/users.service.js';
import { VaultModule } from './vault/vault.module.js';
import { StacksController } from './stacks/stacks.controller.js';
import { StackDeployer } from './stacks/stack-deployer.js';
import { StackPreview } from './stacks/stack-preview.js';
import { StackAdoptionController } from './stacks/stack-adoption.controller.js';
import { StackAdoptionService } from './stacks/stack-adoption.service.js';
import { ContainerComposeService } from './containers/container-compose.service.js';
import { StacksService } from './stacks/stacks.service.js';
import { StackWebhookQueue } from './stacks/stack-webhook-queue.js';
import { StackWebhooksController } from './stacks/stack-webhooks.controller.js';
import { StackWebhooksService } from './stacks/stack-webhooks.service.js';
import { StackGitController } from './stacks/stack-git.controller.js';
import { StackGitService } from './stacks/stack-git.service.js';
import { StackImageBuilder } from './stacks/stack-image-builder.js';
import { StackLocks } from './stacks/stack-locks.js';
import { ContainerWebhooksController } from './webhooks/container-webhooks.controller.js';
import { ContainerWebhooksService } from './webhooks/container-webhooks.service.js';
import { WebhookGate } from './webhooks/webhook-gate.js';
import { WebhookJobs } from './webhooks/webhook-jobs.js';
import { SharedStreams } from './cluster/shared-streams.js';
import { WebhookRateLimiter } from './webhooks/webhook-rate-limiter.js';
import { WebhookTriggersService } from './webhooks/webhook-triggers.service.js';
import { ServiceLogs } from './swarm/service-logs.js';
import { SwarmAccess } from './swarm/swarm-access.js';
import { SwarmServicesService } from './swarm/swarm-services.service.js';
import { SwarmController, SwarmServicesController } from './swarm/swarm.controller.js';
import { SwarmService } from './swarm/swarm.service.js';
import { UpdateChecker } from './updates/update-checker.js';
import { UpdatesController } from './updates/updates.controller.js';
import { UpdatesService } from './updates/updates.service.js';
import { SWARM_STACKS } from './swarm-stacks/swarm-stacks.providers.js';

@Module({})
export class AppModule {
  /** The whole server, wired around a checked config and the process logger. */
  static forRoot(config: Config, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [VaultModule],
      controllers: [
        ...SWARM_STACKS.controllers,
        HealthController,
        AuthController,
        ApiTokensController,
        SessionsController,
        TotpController,
        UsersController,
        TeamsController,
        RolesController,
        GrantsController,
        HostPolicyController,
        CapabilitiesController,
        AuditController,
        HostsController,
        RegistriesController,
        OpenApiController,
        FleetContainersController,
        HostContainersController,
        FleetSummaryController,
        NetworksController,
        VolumesController,
        ResourceListsController,
        ImagesController,
        PluginsController,
        HostStorageController,
        StacksController,
        StackAdoptionController,
        StackWebhooksController,
        ContainerWebhooksController,
        StackGitController,
        ContainerLogsController,
        UserNamesController,
        UpdatesController,
        SwarmController,
        SwarmServicesController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        ...SWARM_STACKS.providers,
        { provide: LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        PrismaService,
        PluginAccess,
        PluginsService,
        PluginInstallService,
        HostStorageService,
        ClusterBus,
        RedisConnection,
        Leases,
        SharedStreams,
        AuditLog,
        AuditIntentRecovery,
        PasswordHasher,
        Authenticator,
        RoutePermission,
        AuthService,
        ApiTokensService,
        LoginThrottle,
        TotpService,
        PasswordConfirmation,
        PasswordChangeService,
        SessionsService,
        UsersService,
        TeamsService,
        AccessService,
        RolesService,
        GrantsService,
        HostPolicyService,
        CapabilitiesService,
        AuditQueryService,
        AuditRetention,
        EngineRegistry,
        HostEvents,
        HostsService,
        HostHealthMonitor,
        RealtimeGateway,
        CredentialWatch,
        RealtimePublisher,
        SubscriptionHandlers,
        ConsoleHandlers,
        ContainerInventory,
        FleetSummaryService,
        ResourceListService,
        ImageAccess,
        ImagesService,
        ImageTransferService,
        ImageBuildService,
        ImageLoadService,
        GitFetcher,
        ContainerAccess,
        ContainerAudit,
        ContainerListService,
        ContainerPolicy,
        ContainerLifecycleService,
        ContainerCreateService,
        ContainerRecreateService,
        ImagePuller,
        StacksService,
        StackPreview,
        StackAdoptionService,
        ContainerComposeService,
        StackDeployer,
        StackLocks,
        StackImageBuilder,
        StackWebhooksService,
        StackWebhookQueue,
        ContainerWebhooksService,
        StackGitService,
        WebhookGate,
        WebhookJobs,
        WebhookRateLimiter,
        WebhookTriggersService,
        LogStreams,
        StatsStreams,
        EngineEventFeed,
        ContainerFeed,
        SummaryFeed,
        ConsoleSessions,
        ConsoleRelay,
        DockerGateway,
        SharedReads,
        GatewayPolicy,
        ContainerLogDownload,
        UserNames,
        GatewayAudit,
        GatewayAuthoriser,
        RegistryAuth,
        RegistriesService,
        RegistryCredentialsService,
        RegistryBrowser,
        EcrTokens,
        NetworksService,
        NetworkCreateService,
        VolumesService,
        VolumeCreateService,
        VolumeBrowser,
        UpdateChecker,
        UpdatesService,
        SwarmAccess,
        SwarmService,
        SwarmServicesService,
        ServiceLogs,
      ],
      exports: [CONFIG, LOGGER],
    };
  }
}
