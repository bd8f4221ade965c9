import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type {
  Permission,
  TPruneQuery,
  TPruneResponse,
  TRemoveVolumeQuery,
  TVolumeDetail,
  TVolumeListing,
  TVolumeUser,
} from '@berth/shared';
import type Docker from 'dockerode';
import { withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { EngineError } from '../docker/engine-error.js';
import { pruneFilter } from '../networks/networks.service.js';
import { VolumeBrowser, type VolumeDownload } from './volume-browser.js';
import { maskOptions, volumeError } from './volume-secrets.js';

/** Removals tried while no container but the file browser's helpers holds the volume. */
const REMOVE_ATTEMPTS = 5;
/**
 * How much longer each try waits than the one before when the engine calls the volume in use yet
 * lists no container using it: it counts a container's hold on its volumes a moment before it
 * lists a new container, and a moment after it stops listing a removed one (a file browser's
 * helper coming or going, as the volume's page lists its files).
 */
const REMOVE_RETRY_MS = 200;

/**
 * Inspect, remove, prune and browse one host's volumes. Each checks its catalog permission on the
 * host and, for owner-limited grants, that the volume is the caller's or their team's (another's
 * is answered 404). Changes are journaled before the engine is asked and settled with its answer;
 * credentials in mount options are masked in every answer.
 */
@Injectable()
export class VolumesService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    private readonly browser: VolumeBrowser,
  ) {}

  async inspect(caller: Caller, hostId: string, name: string): Promise<TVolumeDetail> {
    const { permit, volume } = await this.find(caller, hostId, name, 'volume.list');
    let users: Docker.ContainerInfo[];
    try {
      users = await permit.engine.client.listContainers({
        all: true,
        filters: { volume: [volume.Name] },
      });
    } catch (error) {
      throw volumeError(error, permit.engine.name);
    }
    const containers = users
      .filter((c) => withinReach(c.Labels ?? {}, permit.reach, permit.user.id, permit.teamIds))
      .flatMap((c): TVolumeUser[] =>
        (c.Mounts ?? [])
          .filter((m) => m.Type === 'volume' && m.Name === volume.Name)
          .map((m) => ({
            id: c.Id,
            name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
            destination: m.Destination,
            readOnly: m.RW === false,
          })),
      );
    const created = (volume as { CreatedAt?: string }).CreatedAt;
    return {
      name: volume.Name,
      hostId,
      driver: volume.Driver,
      mountpoint: volume.Mountpoint,
      scope: volume.Scope,
      createdAt: created ?? null,
      labels: volume.Labels ?? {},
      options: maskOptions(volume.Options ?? {}),
      size: volume.UsageData && volume.UsageData.Size >= 0 ? volume.UsageData.Size : null,
      containers,
    };
  }

  remove(caller: Caller, hostId: string, name: string, query: TRemoveVolumeQuery): Promise<void> {
    const entry = {
      action: 'volume.remove' as const,
      hostId,
      target: name,
      details: { force: query.force ?? false },
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, volume } = await this.find(caller, hostId, name, 'volume.delete');
      await beforeEngine({ volume: volume.Name, exists: false });
      for (let attempt = 1; ; attempt += 1) {
        try {
          await permit.engine.client.removeVolume(volume.Name, query.force ?? false);
          return;
        } catch (error) {
          if (EngineError.from(error).kind !== 'conflict')
            throw volumeError(error, permit.engine.name);
          // In use only by the file browser's helpers of a page still listing it: not a reason.
          // The page may list it again meanwhile, so this is tried a few times.
          const held = await this.browser
            .releaseHelpers(permit.engine, volume.Name)
            .catch(() => null);
          if (held && held.others.length === 0 && attempt < REMOVE_ATTEMPTS) {
            if (!held.released) await sleep(REMOVE_RETRY_MS * attempt);
            continue;
          }
          // Named only where the caller may see them, as the volume's inspect lists them.
          const named = (held?.others ?? [])
            .filter((c) =>
              withinReach(c.Labels ?? {}, permit.reach, permit.user.id, permit.teamIds),
            )
            .map((c) => (c.Names?.[0] ?? c.Id).replace(/^\//, ''));
          throw inUseBy(volumeError(error, permit.engine.name), named);
        }
      }
    });
  }

  prune(caller: Caller, hostId: string, query: TPruneQuery): Promise<TPruneResponse> {
    const entry = {
      action: 'volume.prune' as const,
      hostId,
      target: 'volumes',
      details: { label: query.label ?? null },
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const permit = await this.access.require(caller.principal, hostId, 'volume.delete');
        await beforeEngine();
        try {
          return await permit.engine.client.pruneVolumes(pruneFilter(permit, query));
        } catch (error) {
          throw volumeError(error, permit.engine.name);
        }
      },
      (result) => ({ removed: result.removed, spaceReclaimed: result.spaceReclaimed }),
    );
  }

  async files(caller: Caller, hostId: string, name: string, path: string): Promise<TVolumeListing> {
    const { permit, volume } = await this.find(caller, hostId, name, 'volume.browse');
    return this.browser.list(permit.engine, volume.Name, path);
  }

  async download(
    caller: Caller,
    hostId: string,
    name: string,
    path: string,
  ): Promise<VolumeDownload> {
    const { permit, volume } = await this.find(caller, hostId, name, 'volume.browse');
    return this.browser.download(permit.engine, volume.Name, path);
  }

  /** The volume a name names, within the caller's reach. */
  private async find(
    caller: Caller,
    hostId: string,
    name: string,
    permission: Permission,
  ): Promise<{ permit: HostPermit; volume: Docker.VolumeInspectInfo }> {
    const permit = await this.access.require(caller.principal, hostId, permission);
    let volume: Docker.VolumeInspectInfo;
    try {
      volume = await permit.engine.client.inspectVolume(name);
    } catch (error) {
      throw volumeError(error, permit.engine.name);
    }
    if (!withinReach(volume.Labels ?? {}, permit.reach, permit.user.id, permit.teamIds)) {
      throw AppError.notFound('volume');
    }
    return { permit, volume };
  }
}

/** A volume still in use: the engine names the containers using it by id; people know names. */
function inUseBy(error: AppError, containers: string[]): AppError {
  if (containers.length === 0) return error;
  const which = containers.length === 1 ? 'container' : 'containers';
  return new AppError(
    'CONFLICT',
    `${error.message} (${which} ${containers.join(', ')})`,
    error.details,
    error.internal,
  );
}
