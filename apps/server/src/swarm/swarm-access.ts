import { Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess, type HostPermit } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import type { EngineInfo } from '../docker/engine-client.js';

/** A permit on a host whose engine is a swarm manager, with the node it is. */
export interface SwarmPermit extends HostPermit {
  nodeId: string;
  clusterId: string | null;
}

/**
 * The way into a host's swarm: the permission on the host (404 hidden, 403 missing), then the
 * engine must be a manager of an active swarm. Anything else answers 409 NOT_A_SWARM_MANAGER with
 * what the host is instead (a worker, not in a swarm, locked), never the engine's own 503.
 */
@Injectable()
export class SwarmAccess {
  constructor(private readonly access: ContainerAccess) {}

  /** `also`: a second permission the call needs on the host (service logs: swarm.view). */
  async manager(
    caller: Caller,
    hostId: string,
    permission: Permission,
    also?: Permission,
  ): Promise<SwarmPermit> {
    const permit = wholeSwarm(
      await this.access.require(caller.principal, hostId, permission, caller.grant),
      permission,
    );
    if (also) {
      wholeSwarm(await this.access.require(caller.principal, hostId, also, caller.grant), also);
    }
    return { ...permit, ...(await this.managerOf(permit)) };
  }

  /** The swarm facts of a permitted host's engine, or 409 when it is no manager. */
  async managerOf(permit: HostPermit): Promise<{ nodeId: string; clusterId: string | null }> {
    const info = await engineCall(permit, 'swarm', () => permit.engine.client.info());
    return requireManager(info, permit.engine.name);
  }
}

/**
 * A swarm belongs to no one: a grant that reaches only the caller's own things (the Standard role)
 * does not reach it, as the gateway refuses its swarm calls.
 */
export function wholeSwarm<T extends { reach: string }>(permit: T, permission: Permission): T {
  if (permit.reach === 'all') return permit;
  throw new AppError(
    'FORBIDDEN',
    `this needs permission ${permission} on the host for the whole swarm (granted only for what you or your team own, and a swarm belongs to no one)`,
    { missing: permission },
  );
}

export function requireManager(
  info: EngineInfo,
  hostName: string,
): { nodeId: string; clusterId: string | null } {
  const swarm = info.Swarm;
  const state = swarm?.LocalNodeState ?? 'inactive';
  if (state === 'active' && swarm?.ControlAvailable === true) {
    return { nodeId: swarm.NodeID ?? '', clusterId: swarm.Cluster?.ID ?? null };
  }
  const managers = (swarm?.RemoteManagers ?? [])
    .map((m) => m.Addr)
    .filter(Boolean)
    .join(', ');
  const message =
    state === 'active'
      ? `host ${hostName} is a worker node of a swarm, not a manager; open the swarm on a manager host${managers ? ` (managers at ${managers})` : ''}`
      : state === 'locked'
        ? `host ${hostName} is a swarm manager that is locked; unlock it with its unlock key first`
        : state === 'pending'
          ? `host ${hostName} is still joining a swarm`
          : state === 'error'
            ? `host ${hostName} is in a swarm that reports an error: ${swarm?.Error ?? 'unknown'}`
            : `host ${hostName} is not a swarm manager: its engine is not part of a swarm`;
  const worker = swarm?.ControlAvailable === false && state === 'active';
  return fail(message, state, worker, swarm?.NodeID);
}

/**
 * 409 with the engine's swarm state; a worker's node id too, so a client can tell which
 * registered host runs the tasks the managers place on that node.
 */
function fail(message: string, state: string, worker: boolean, nodeId: string | undefined): never {
  throw new AppError('NOT_A_SWARM_MANAGER', message, {
    swarmState: state,
    role: worker ? 'worker' : null,
    ...(worker && nodeId ? { nodeId } : {}),
  });
}

/** An engine call on a swarm host: failures leave as the API's errors, naming `what`. */
export async function engineCall<T>(
  permit: HostPermit,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw engineError(error, what, permit.engine.name);
  }
}
