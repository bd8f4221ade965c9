import { Injectable } from '@nestjs/common';
import {
  type TCreateVolumeRequest,
  type TCreateVolumeResponse,
  checkVolumeCreate,
} from '@berth/shared';
import { HostPolicyService } from '../access/host-policy.service.js';
import { ownerLabels } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { volumeError } from './volume-secrets.js';

/**
 * `POST /api/hosts/:hostId/volumes`: the request is already checked field by field (the local
 * driver's type, o and device); here the name must be free on the host and, for everyone but
 * global administrators, a local `o=bind` volume must pass the host's bind mount policy (it is a
 * bind mount by another name). The volume carries its owner's labels.
 */
@Injectable()
export class VolumeCreateService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    private readonly policies: HostPolicyService,
  ) {}

  create(
    caller: Caller,
    hostId: string,
    request: TCreateVolumeRequest,
  ): Promise<TCreateVolumeResponse> {
    const entry = {
      action: 'volume.create' as const,
      hostId,
      target: request.name,
      // Option values are left out: a cifs volume keeps its password in `o`.
      details: {
        driver: request.driver,
        type: request.driverOpts.type ?? null,
        options: Object.keys(request.driverOpts),
      },
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const permit = await this.access.require(caller.principal, hostId, 'volume.create');
      await this.checkAgainstHost(permit, request);
      const owner = await this.access.ownerOf(permit);
      // Whether it was made can be asked of the engine if the answer is lost: the name is free.
      await beforeEngine({ volume: request.name, exists: true });
      try {
        await permit.engine.client.createVolume({
          Name: request.name,
          Driver: request.driver,
          DriverOpts: request.driverOpts,
          Labels: { ...request.labels, ...ownerLabels(owner.userId, owner.teamIds) },
        });
      } catch (error) {
        throw volumeError(error, permit.engine.name);
      }
      return { name: request.name };
    });
  }

  private async checkAgainstHost(permit: HostPermit, request: TCreateVolumeRequest): Promise<void> {
    if (!permit.user.isAdmin) {
      const found = checkVolumeCreate(await this.policies.of(permit.engine.hostId), {
        Name: request.name,
        Driver: request.driver,
        DriverOpts: request.driverOpts,
      });
      if (found.length > 0) {
        const issues = found.map((i) => ({
          path: i.path.replace(/^DriverOpts\./, 'driverOpts.'),
          message: i.message,
        }));
        throw new AppError('FORBIDDEN', `the host's security policy: ${issues[0]!.message}`, {
          issues,
          policy: true,
        });
      }
    }
    // The engine would answer a create of an existing name with that volume, unchanged.
    try {
      await permit.engine.client.inspectVolume(request.name);
    } catch (error) {
      const mapped = volumeError(error, permit.engine.name);
      if (mapped.code === 'NOT_FOUND') return;
      throw mapped;
    }
    throw new AppError('CONFLICT', `a volume named ${request.name} exists on this host`, {
      issues: [{ path: 'name', message: 'already used by another volume on this host' }],
    });
  }
}
