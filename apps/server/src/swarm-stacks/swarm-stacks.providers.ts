import { ServiceForceUpdate } from './service-force-update.js';
import { ServiceRegistryAuth } from './service-registry-auth.js';
import { ServiceWebhooksController } from './service-webhooks.controller.js';
import { ServiceWebhooksService } from './service-webhooks.service.js';
import { SwarmHosts } from './swarm-host.js';
import { SwarmObjectsController } from './swarm-objects.controller.js';
import { SwarmObjectsService } from './swarm-objects.service.js';
import { SwarmStacksController } from './swarm-stacks.controller.js';
import { SwarmStackSources } from './swarm-stack-source.js';
import { SwarmStacksService } from './swarm-stacks.service.js';

/**
 * Swarm secrets and configs, swarm stacks and service webhooks, wired into the application
 * module (whose providers they use: access, audit, registries, webhooks).
 */
export const SWARM_STACKS = {
  controllers: [SwarmObjectsController, SwarmStacksController, ServiceWebhooksController],
  providers: [
    SwarmHosts,
    SwarmObjectsService,
    SwarmStacksService,
    SwarmStackSources,
    ServiceRegistryAuth,
    ServiceForceUpdate,
    ServiceWebhooksService,
  ],
};
