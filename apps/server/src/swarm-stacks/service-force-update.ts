import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AttemptJournal } from '../common/attempt-journal.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';
import { ServiceRegistryAuth } from './service-registry-auth.js';
import type { EngineService } from './swarm-api.js';
import { SwarmHosts } from './swarm-host.js';

/** What a forced update that may be run again for the same request writes before it is sent. */
const ForcedUpdate = z.object({
  /** The `ForceUpdate` counter the update sets. */
  forceUpdate: z.number(),
  /** The image reference it sets (the tag at its digest, when resolved). */
  image: z.string(),
});
export type ForcedUpdate = z.infer<typeof ForcedUpdate>;

/** Update states in which a service's last update stands or is still rolling. */
const STANDING = new Set([undefined, 'updating', 'completed']);

/**
 * A service's tasks replaced without a change of its definition (`docker service update
 * --force`), optionally on the newest image of its tag: the tag resolved to the registry's
 * digest through the engine (as `docker service update --image` does), with the stored registry
 * login the caller may use. An image that no registry knows (built or loaded on the nodes) keeps
 * its reference. Audited as a service update.
 *
 * An attempt again of the same request (`journal`, a webhook job taken over by another replica)
 * whose update the service's spec already holds (its counter and image) and that did not fail
 * (still rolling or completed) is recorded as done and not sent again.
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
    journal?: AttemptJournal<ForcedUpdate>,
  ): Promise<{ image: string; digest: string | null }> {
    const details: Record<string, unknown> = { force: true };
    return this.audit.around(
      caller,
      { action: 'service.update', hostId, target: name, details },
      async (beforeEngine) => {
        const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.manage');
        try {
          const parsed = ForcedUpdate.safeParse(await journal?.read());
          const service = await api.inspectService(name);
          if (parsed.success && sent(service, parsed.data)) {
            details.resumed = 'done';
            details.updateState = service.UpdateStatus?.State ?? null;
            const digest = /@(sha256:[0-9a-f]{64})$/.exec(parsed.data.image)?.[1] ?? null;
            return { image: parsed.data.image, digest };
          }
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
          const forceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
          await beforeEngine();
          await journal?.write({ forceUpdate, image });
          await api.updateService(
            service,
            {
              ...spec,
              TaskTemplate: {
                ...spec.TaskTemplate,
                ContainerSpec: { ...container, Image: image },
                ForceUpdate: forceUpdate,
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

/** Whether the service's spec holds `update` and its rollout has not failed. */
function sent(service: EngineService, update: ForcedUpdate): boolean {
  const template = service.Spec.TaskTemplate;
  return (
    template.ForceUpdate === update.forceUpdate &&
    template.ContainerSpec?.Image === update.image &&
    STANDING.has(service.UpdateStatus?.State)
  );
}
