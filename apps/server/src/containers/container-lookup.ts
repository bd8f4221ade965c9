import type { ContainerLookup } from '@berth/shared';
import type { RegisteredEngine } from '../hosts/engine-registry.js';

/**
 * Reads a container on a host for a policy check: its inspect, or null when the engine has no such
 * container. Any other failure (the host is down) rejects, and the check fails closed.
 */
export function containerLookupOn(engine: RegisteredEngine): ContainerLookup {
  return async (ref) => {
    try {
      return await engine.connection.docker.getContainer(ref).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  };
}
