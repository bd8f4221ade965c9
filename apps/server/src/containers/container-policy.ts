import { Injectable } from '@nestjs/common';
import { checkContainerCreateWithShares, type FieldIssue } from '@berth/shared';
import { HostPolicyService } from '../access/host-policy.service.js';
import type { PrincipalUser } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { containerLookupOn } from './container-lookup.js';

/**
 * The host's security policy for containers made through the REST API, as the gateway applies it
 * to raw engine calls: everyone but global administrators may only create what it allows.
 */
@Injectable()
export class ContainerPolicy {
  constructor(private readonly policies: HostPolicyService) {}

  /**
   * Refuses an engine create body the policy forbids. `fieldOf` names an issue by the request
   * field it came from (`volumes.0.source` rather than `HostConfig.Mounts.0.Source`).
   */
  async check(
    user: PrincipalUser,
    engine: RegisteredEngine,
    body: unknown,
    fieldOf: (enginePath: string) => string = (path) => path,
  ): Promise<void> {
    if (user.isAdmin) return;
    const found = await checkContainerCreateWithShares(
      await this.policies.of(engine.hostId),
      body,
      containerLookupOn(engine),
    );
    if (found.length === 0) return;
    const issues: FieldIssue[] = found.map((i) => ({ path: fieldOf(i.path), message: i.message }));
    throw new AppError('FORBIDDEN', `the host's security policy: ${issues[0]!.message}`, {
      issues,
      policy: true,
    });
  }
}

/** Where a create request's field ended up in the engine body, the other way round. */
export function requestFieldOf(enginePath: string): string {
  const mount = /^HostConfig\.Mounts\.(\d+)/.exec(enginePath);
  if (mount) return `volumes.${mount[1]}.source`;
  if (enginePath === 'HostConfig.NetworkMode') return 'networks.0.name';
  return enginePath;
}
