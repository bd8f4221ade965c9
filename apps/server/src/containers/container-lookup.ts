import type { ContainerLookup } from '@berth/shared';
import { EngineError } from '../docker/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';

/**
 * Reads a container on a host for a policy check: its inspect, or null when the engine has no such
 * container. Any other failure (the host is down) rejects, and the check fails closed.
 */
export function containerLookupOn(engine: RegisteredEngine): ContainerLookup {
  return async (ref) => {
    try {
      return await engine.client.inspectContainer(ref);
    } catch (error) {
      if (EngineError.from(error).kind === 'not_found') return null;
      throw error;
    }
  };
}
