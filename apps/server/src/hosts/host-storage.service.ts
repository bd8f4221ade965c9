import { Inject, Injectable } from '@nestjs/common';
import {
  type TDiskUsage,
  type THostStorage,
  type TSystemPrunePreview,
  type TSystemPrunePreviewQuery,
  type TSystemPruneRequest,
  type TSystemPruneResponse,
  ZSystemPruneRequest,
} from '@berth/shared';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import type { HostPermit } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { PluginAccess } from '../plugins/plugin-access.js';
import { type EngineDiskUsage, type EngineNetwork, diskUsageOf, prunePlan } from './prune-plan.js';

/** `system df` and the prunes read every layer and volume: slower than other calls. */
const DF_TIMEOUT_MS = 120_000;

interface EngineStorageInfo {
  Driver?: string;
  DriverStatus?: [string, string][] | null;
  DockerRootDir?: string;
}

interface PruneAnswer {
  ContainersDeleted?: string[] | null;
  NetworksDeleted?: string[] | null;
  VolumesDeleted?: string[] | null;
  ImagesDeleted?: { Deleted?: string; Untagged?: string }[] | null;
  CachesDeleted?: string[] | null;
  SpaceReclaimed?: number;
}

/**
 * A host's storage: its driver and data root, disk usage, and a host-wide prune with a preview of
 * what it would remove. The prune is journaled before the engine is asked and settled with what
 * was removed.
 */
@Injectable()
export class HostStorageService {
  constructor(
    private readonly access: PluginAccess,
    private readonly audit: ContainerAudit,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async storage(caller: Caller, hostId: string): Promise<THostStorage> {
    const permit = await this.access.read(caller, hostId, 'system.info');
    const info = await this.engine(permit, () =>
      permit.engine.client.json<EngineStorageInfo>({
        path: '/info',
        timeoutMs: this.config.engineTimeoutMs,
      }),
    );
    return {
      driver: info.Driver ?? '',
      driverStatus: (info.DriverStatus ?? []).map(([name, value]) => ({ name, value })),
      dataRoot: info.DockerRootDir ?? '',
    };
  }

  async diskUsage(caller: Caller, hostId: string): Promise<TDiskUsage> {
    const permit = await this.access.read(caller, hostId, 'system.info');
    return diskUsageOf(await this.df(permit));
  }

  async preview(
    caller: Caller,
    hostId: string,
    query: TSystemPrunePreviewQuery,
  ): Promise<TSystemPrunePreview> {
    const permit = await this.access.change(caller, hostId, 'system.prune');
    const choices = ZSystemPruneRequest.parse(query);
    const [df, networks] = await Promise.all([this.df(permit), this.networks(permit)]);
    return prunePlan(df, networks, choices);
  }

  prune(caller: Caller, hostId: string, body: TSystemPruneRequest): Promise<TSystemPruneResponse> {
    const choices = ZSystemPruneRequest.parse(body);
    return this.audit.around(
      caller,
      { action: 'system.prune', hostId, target: hostId, details: { ...choices } },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'system.prune');
        await beforeEngine();
        const run = (path: string, filters: Record<string, string[]> = {}) => {
          const all = choices.label ? { ...filters, label: [choices.label] } : filters;
          const query = `?filters=${encodeURIComponent(JSON.stringify(all))}`;
          return this.engine(permit, () =>
            permit.engine.client.json<PruneAnswer>({
              method: 'POST',
              path: `${path}${query}`,
              timeoutMs: DF_TIMEOUT_MS,
            }),
          );
        };
        const none: PruneAnswer = {};
        // The order of `docker system prune`: what stopped containers held is unused after them.
        const containers = choices.containers ? await run('/containers/prune') : none;
        const networks = choices.networks ? await run('/networks/prune') : none;
        const volumes = choices.volumes ? await run('/volumes/prune') : none;
        const images =
          choices.images === 'none'
            ? none
            : await run('/images/prune', {
                dangling: [choices.images === 'dangling' ? 'true' : 'false'],
              });
        // The build cache carries no labels: a prune limited to a label leaves it alone.
        const cache = choices.buildCache && !choices.label ? await run('/build/prune') : none;
        return {
          containers: containers.ContainersDeleted ?? [],
          networks: networks.NetworksDeleted ?? [],
          volumes: volumes.VolumesDeleted ?? [],
          images: (images.ImagesDeleted ?? []).flatMap((i) => (i.Deleted ? [i.Deleted] : [])),
          buildCache: cache.CachesDeleted ?? [],
          spaceReclaimed: [containers, volumes, images, cache].reduce(
            (sum, answer) => sum + (answer.SpaceReclaimed ?? 0),
            0,
          ),
        };
      },
      (result) => ({
        containers: result.containers.length,
        networks: result.networks.length,
        volumes: result.volumes.length,
        images: result.images.length,
        buildCache: result.buildCache.length,
        spaceReclaimed: result.spaceReclaimed,
      }),
    );
  }

  private df(permit: HostPermit): Promise<EngineDiskUsage> {
    return this.engine(permit, () =>
      permit.engine.client.json<EngineDiskUsage>({ path: '/system/df', timeoutMs: DF_TIMEOUT_MS }),
    );
  }

  private networks(permit: HostPermit): Promise<EngineNetwork[]> {
    return this.engine(permit, () =>
      permit.engine.client.json<EngineNetwork[]>({
        path: '/networks',
        timeoutMs: this.config.engineTimeoutMs,
      }),
    );
  }

  private async engine<T>(permit: HostPermit, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw engineError(error, 'host', permit.engine.name);
    }
  }
}
