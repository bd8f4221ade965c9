import { Injectable } from '@nestjs/common';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';
import { ServiceRegistryAuth } from './service-registry-auth.js';
import { SwarmHosts } from './swarm-host.js';

/**
 * A service's tasks replaced without a change of its definition (`docker service update
 * --force`), optionally on the newest image of its tag: the tag resolved to the registry's
 * digest through the engine (as `docker service update --image` does), with the stored registry
 * login the caller may use. An image that no registry knows (built or loaded on the nodes) keeps
 * its reference. Audited as a service update.
 */
@Injectable()
export class ServiceForceUpdate {
  constructor(
    private readonly hosts: SwarmHosts,
    private readonly audit: ContainerAudit,
    private readonly registryAuth: ServiceRegistryAuth,
  ) {}

  run(
    caller: Caller,
    hostId: string,
    name: string,
    options: { resolveImage: boolean },
  ): Promise<{ image: string; digest: string | null }> {
    return this.audit.around(
      caller,
      { action: 'service.update', hostId, target: name, details: { force: true } },
      async (beforeEngine) => {
        const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.manage');
        try {
          const service = await api.inspectService(name);
          const spec = service.Spec;
          const container = spec.TaskTemplate.ContainerSpec ?? {};
          const tagged = (container.Image ?? '').replace(/@sha256:[0-9a-f]{64}$/, '');
          const auth = await this.registryAuth.headerFor(caller, hostId, tagged);
          let digest: string | null = null;
          if (options.resolveImage && tagged) {
            digest = await api.distributionDigest(tagged, auth).catch((error: unknown) => {
              // Not in a registry the engine can reach: the image as it is on the nodes.
              if (error instanceof EngineError) return null;
              throw error;
            });
          }
          const image = digest ? `${tagged}@${digest}` : (container.Image ?? '');
          await beforeEngine();
          await api.updateService(
            service,
            {
              ...spec,
              TaskTemplate: {
                ...spec.TaskTemplate,
                ContainerSpec: { ...container, Image: image },
                ForceUpdate: (spec.TaskTemplate.ForceUpdate ?? 0) + 1,
              },
            },
            auth,
          );
          return { image, digest };
        } catch (error) {
          throw engineError(error, 'service', permit.engine.name);
        }
      },
      (result) => ({ image: result.image, digest: result.digest }),
    );
  }
}
