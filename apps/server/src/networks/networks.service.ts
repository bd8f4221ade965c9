import { Injectable } from '@nestjs/common';
import {
  BERTH_LABELS,
  type Permission,
  type TConnectNetworkRequest,
  type TDisconnectNetworkRequest,
  type TNetworkDetail,
  type TPruneQuery,
  type TPruneResponse,
} from '@berth/shared';
import type Docker from 'dockerode';
import { isBuiltInNetwork, withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import {
  ContainerAccess,
  type ContainerRef,
  type HostPermit,
} from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';

/**
 * Inspect, remove, prune, connect and disconnect on one host's networks. Each checks its catalog
 * permission on the host and, for owner-limited grants, that the network is the caller's or their
 * team's (another's is answered 404, as if it did not exist). bridge, host and none belong to
 * nobody: everyone who may list networks sees them and nobody removes them. Every change is
 * journaled before the engine is asked and settled with its answer; a remove, connect or
 * disconnect whose answer never came is settled at the next start by what the engine shows.
 */
@Injectable()
export class NetworksService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
  ) {}

  async inspect(caller: Caller, hostId: string, ref: string): Promise<TNetworkDetail> {
    const { permit, network } = await this.find(caller, hostId, ref, 'network.list');
    const detail = detailOf(permit.engine.hostId, network);
    if (permit.reach === 'all') return detail;
    // On a shared network (bridge) an owner-limited caller sees only their own containers.
    const mine = [];
    for (const endpoint of detail.containers) {
      const container = await this.access.lookup(permit.engine, endpoint.id).catch(() => null);
      if (container && withinReach(container.labels, 'owned', permit.user.id, permit.teamIds)) {
        mine.push(endpoint);
      }
    }
    return { ...detail, containers: mine };
  }

  remove(caller: Caller, hostId: string, ref: string): Promise<void> {
    const entry = { action: 'network.remove' as const, hostId, target: ref };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, network } = await this.find(caller, hostId, ref, 'network.delete', entry);
      if (isBuiltInNetwork(network.Name)) {
        throw new AppError(
          'CONFLICT',
          `${network.Name} is built into the engine and cannot be removed`,
        );
      }
      await beforeEngine({ network: network.Id, exists: false });
      await this.engine(permit, () => permit.engine.client.removeNetwork(network.Id));
    });
  }

  prune(caller: Caller, hostId: string, query: TPruneQuery): Promise<TPruneResponse> {
    const entry = {
      action: 'network.prune' as const,
      hostId,
      target: 'networks',
      details: { label: query.label ?? null },
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const permit = await this.access.require(caller.principal, hostId, 'network.delete');
        await beforeEngine();
        const removed = await this.engine(permit, () =>
          permit.engine.client.pruneNetworks(pruneFilter(permit, query)),
        );
        return { removed: removed ?? [], spaceReclaimed: 0 };
      },
      (result) => ({ removed: result.removed }),
    );
  }

  connect(
    caller: Caller,
    hostId: string,
    ref: string,
    body: TConnectNetworkRequest,
  ): Promise<void> {
    const entry = {
      action: 'network.connect' as const,
      hostId,
      target: ref,
      details: {
        container: body.container,
        aliases: body.aliases,
        ipv4Address: body.ipv4Address ?? null,
        ipv6Address: body.ipv6Address ?? null,
      },
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, network, container } = await this.findEndpoint(caller, hostId, ref, entry);
      const ipam =
        body.ipv4Address || body.ipv6Address
          ? {
              IPAMConfig: {
                ...(body.ipv4Address ? { IPv4Address: body.ipv4Address } : {}),
                ...(body.ipv6Address ? { IPv6Address: body.ipv6Address } : {}),
              },
            }
          : {};
      await beforeEngine({ network: network.Id, attached: container.id, exists: true });
      try {
        await permit.engine.client.connectNetwork(network.Id, {
          Container: container.id,
          EndpointConfig: { Aliases: body.aliases, ...ipam },
        });
      } catch (error) {
        throw connectError(error, body, permit.engine.name);
      }
    });
  }

  disconnect(
    caller: Caller,
    hostId: string,
    ref: string,
    body: TDisconnectNetworkRequest,
  ): Promise<void> {
    const entry = {
      action: 'network.disconnect' as const,
      hostId,
      target: ref,
      details: { container: body.container, force: body.force },
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, network, container } = await this.findEndpoint(caller, hostId, ref, entry);
      await beforeEngine({ network: network.Id, attached: container.id, exists: false });
      await this.engine(permit, () =>
        permit.engine.client.disconnectNetwork(network.Id, {
          Container: container.id,
          Force: body.force,
        }),
      );
    });
  }

  /** The network and the container of a connect or disconnect, both within the caller's reach. */
  private async findEndpoint(
    caller: Caller,
    hostId: string,
    ref: string,
    entry: { target: string; details: { container: string } },
  ): Promise<{ permit: HostPermit; network: Docker.NetworkInspectInfo; container: ContainerRef }> {
    const { permit, network } = await this.find(caller, hostId, ref, 'network.connect', entry);
    const { container } = await this.access.requireContainer(
      caller.principal,
      hostId,
      entry.details.container,
      'network.connect',
    );
    entry.details.container = container.name;
    return { permit, network, container };
  }

  /** The network a reference names, within the caller's reach; named in the audit entry. */
  private async find(
    caller: Caller,
    hostId: string,
    ref: string,
    permission: Permission,
    entry?: { target: string; details?: Record<string, unknown> },
  ): Promise<{ permit: HostPermit; network: Docker.NetworkInspectInfo }> {
    const permit = await this.access.require(caller.principal, hostId, permission);
    const network = await this.engine(permit, () => permit.engine.client.inspectNetwork(ref));
    if (
      !network ||
      (!isBuiltInNetwork(network.Name) &&
        !withinReach(network.Labels ?? {}, permit.reach, permit.user.id, permit.teamIds))
    ) {
      throw AppError.notFound('network');
    }
    if (entry) {
      entry.target = network.Name;
      entry.details = { ...entry.details, id: network.Id };
    }
    return { permit, network };
  }

  private async engine<T>(permit: HostPermit, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw engineError(error, 'network', permit.engine.name);
    }
  }
}

/**
 * The engine's label filters of a prune: the one asked for, and for an owner-limited caller their
 * own owner label (the engine's filters must all match, so team-owned objects are left alone).
 */
export function pruneFilter(permit: HostPermit, query: TPruneQuery): Record<string, string[]> {
  const labels = [
    ...(query.label ? [query.label] : []),
    ...(permit.reach === 'all' ? [] : [`${BERTH_LABELS.owner}=${permit.user.id}`]),
  ];
  return labels.length > 0 ? { label: labels } : {};
}

function detailOf(hostId: string, n: Docker.NetworkInspectInfo): TNetworkDetail {
  return {
    id: n.Id,
    hostId,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    internal: n.Internal,
    attachable: n.Attachable,
    ipv6: n.EnableIPv6,
    builtIn: isBuiltInNetwork(n.Name),
    createdAt: n.Created || null,
    labels: n.Labels ?? {},
    options: n.Options ?? {},
    ipam: {
      driver: n.IPAM?.Driver ?? 'default',
      config: (n.IPAM?.Config ?? []).map((c) => ({
        subnet: c.Subnet ?? null,
        gateway: c.Gateway ?? null,
        ipRange: c.IPRange ?? null,
      })),
      options: n.IPAM?.Options ?? {},
    },
    containers: Object.entries(n.Containers ?? {})
      // An overlay network's load balancer (`lb-<network>`) is an endpoint, not a container.
      .filter(([id]) => !id.startsWith('lb-'))
      .map(([id, c]) => ({
        id,
        name: c.Name,
        ipv4Address: c.IPv4Address || null,
        ipv6Address: c.IPv6Address || null,
        macAddress: c.MacAddress || null,
      })),
  };
}

/** A refusal that names the static address asked for is that field's problem. */
function connectError(error: unknown, body: TConnectNetworkRequest, hostName: string): AppError {
  const e = EngineError.from(error);
  const field = (['ipv4Address', 'ipv6Address'] as const).find((key) => {
    const address = body[key];
    return address !== undefined && e.status !== null && e.reason.includes(address);
  });
  if (!field) return engineError(error, 'network', hostName);
  const message = `the engine refused it: ${e.reason}`;
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, {
    issues: [{ path: field, message }],
  });
}
