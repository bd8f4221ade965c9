import { Injectable } from '@nestjs/common';
import {
  type FieldIssue,
  type TCreateNetworkRequest,
  type TCreateNetworkResponse,
  cidrsOverlap,
  parseCidr,
} from '@berth/shared';
import type Docker from 'dockerode';
import { isBuiltInNetwork, ownerLabels, withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { networkCreateError } from './network-engine-error.js';

/**
 * `POST /api/hosts/:hostId/networks`. The request is already checked field by field (parent for
 * macvlan and ipvlan, gateway and IP range inside the subnet); here it is checked against the host
 * (name free, subnet overlapping no other network, overlay only on a swarm manager) before the
 * engine is asked, and what the engine still refuses is mapped to the field it is about. The
 * network carries its owner's labels.
 */
@Injectable()
export class NetworkCreateService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
  ) {}

  create(
    caller: Caller,
    hostId: string,
    request: TCreateNetworkRequest,
  ): Promise<TCreateNetworkResponse> {
    const entry = {
      action: 'network.create' as const,
      hostId,
      target: request.name,
      // Driver options are named, not given: a driver may take a credential in one.
      details: {
        driver: request.driver,
        subnet: request.subnet ?? null,
        internal: request.internal,
        options: Object.keys(request.options),
      },
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const permit = await this.access.require(caller.principal, hostId, 'network.create');
        await this.checkAgainstHost(permit, request);
        const owner = await this.access.ownerOf(permit);
        // Whether it was made can be asked of the engine if the answer is lost: the name is free.
        await beforeEngine({ network: request.name, exists: true });
        let id: string;
        try {
          id = await permit.engine.client.createNetwork(
            engineBody(request, ownerLabels(owner.userId, owner.teamIds)),
          );
        } catch (error) {
          throw networkCreateError(error, permit.engine.name);
        }
        return { id, name: request.name };
      },
      (result) => ({ id: result.id }),
    );
  }

  /** What the engine would refuse, or do wrong, as field errors before anything is made. */
  private async checkAgainstHost(
    permit: HostPermit,
    request: TCreateNetworkRequest,
  ): Promise<void> {
    const client = permit.engine.client;
    const issues: FieldIssue[] = [];
    let networks: Docker.NetworkInspectInfo[];
    try {
      networks = await client.listNetworks();
      if (request.driver === 'overlay') {
        const swarm = (await client.info()).Swarm;
        if (swarm?.LocalNodeState !== 'active' || swarm.ControlAvailable !== true) {
          issues.push({
            path: 'driver',
            message: `an overlay network needs a swarm manager; host ${permit.engine.name} is not one`,
          });
        }
      }
    } catch (error) {
      throw engineError(error, 'host', permit.engine.name);
    }
    // The engine would make a second network of the same name (and a name then means nothing).
    if (networks.some((n) => n.Name === request.name)) {
      throw new AppError('CONFLICT', `a network named ${request.name} exists on this host`, {
        issues: [{ path: 'name', message: 'already used by another network on this host' }],
      });
    }
    const wanted = request.subnet ? parseCidr(request.subnet) : null;
    if (wanted) {
      const clash = networks.find((n) =>
        (n.IPAM?.Config ?? []).some((c) => {
          const subnet = c.Subnet ? parseCidr(c.Subnet) : null;
          return subnet !== null && cidrsOverlap(subnet, wanted);
        }),
      );
      if (clash) {
        // Another user's network is named only to those who may see it.
        const visible =
          isBuiltInNetwork(clash.Name) ||
          withinReach(clash.Labels ?? {}, permit.reach, permit.user.id, permit.teamIds);
        const taken = clash.IPAM?.Config?.find((c) => c.Subnet)?.Subnet ?? '';
        issues.push({
          path: 'subnet',
          message: visible
            ? `overlaps ${taken} of network ${clash.Name}`
            : 'overlaps the subnet of another network on this host',
        });
      }
    }
    if (issues.length > 0) throw AppError.validation(issues);
  }
}

function engineBody(
  request: TCreateNetworkRequest,
  owner: Record<string, string>,
): Docker.NetworkCreateOptions {
  const options: Record<string, string> = { ...request.options };
  if (request.parent) options.parent = request.parent;
  if (request.mode) options[`${request.driver}_mode`] = request.mode;
  const config =
    request.subnet === undefined
      ? []
      : [
          {
            Subnet: request.subnet,
            ...(request.gateway ? { Gateway: request.gateway } : {}),
            ...(request.ipRange ? { IPRange: request.ipRange } : {}),
          },
        ];
  return {
    Name: request.name,
    CheckDuplicate: true,
    Driver: request.driver,
    Internal: request.internal,
    Attachable: request.attachable,
    EnableIPv6: request.ipv6,
    IPAM: { Driver: 'default', Config: config },
    Options: options,
    Labels: { ...request.labels, ...owner },
  };
}
