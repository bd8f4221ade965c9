import { Injectable } from '@nestjs/common';
import type { FieldIssue, TCreateContainerRequest, TCreateContainerResponse } from '@berth/shared';
import { createOwnedVolume, isBuiltInNetwork, soleTeam, withinReach } from '../access/ownership.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from './caller.js';
import { ContainerAccess, type HostPermit } from './container-access.js';
import { ContainerAudit } from './container-audit.js';
import { ContainerPolicy, requestFieldOf } from './container-policy.js';
import { endpointOf, toCreateBody } from './create-container-body.js';
import { engineError } from './engine-error.js';
import { ImagePuller } from './image-puller.js';

/**
 * `POST /api/hosts/:hostId/containers`: the request is already checked field by field; here it is
 * checked against the host's security policy and the host itself (name free, networks exist), the image pulled when missing (progress
 * over socket.io), the owner labels stamped, and the container created, connected and started.
 * A container that cannot be started is removed again, so a retry with the same name works.
 */
@Injectable()
export class ContainerCreateService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    private readonly puller: ImagePuller,
    private readonly policy: ContainerPolicy,
  ) {}

  create(
    caller: Caller,
    hostId: string,
    request: TCreateContainerRequest,
  ): Promise<TCreateContainerResponse> {
    const entry = {
      action: 'container.create' as const,
      hostId,
      target: request.name ?? request.image,
      // Never environment values (nor names): only what shape the container has.
      details: {
        image: request.image,
        ports: request.ports.length,
        volumes: request.volumes.length,
        networks: request.networks.map((n) => n.name),
        env: request.env.length,
        secretEnv: request.env.filter((v) => v.secret).length,
        start: request.start,
      },
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const permit = await this.access.require(
          caller.principal,
          hostId,
          'container.create',
          caller.grant,
        );
        const owner = await this.access.ownerOf(permit);
        const body = toCreateBody(request, { owner: owner.userId, team: soleTeam(owner.teamIds) });
        await this.policy.check(permit.user, permit.engine, body, requestFieldOf);
        const newVolumes = await this.checkAgainstHost(permit, request);
        // The name was free just now: if a container has it after a crash, this create made it.
        await beforeEngine(request.name ? { container: request.name, exists: true } : undefined);
        const pulled = await this.ensureImage(caller, permit, request);
        const client = permit.engine.client;
        for (const name of new Set(newVolumes)) {
          await createOwnedVolume(permit.engine, name, owner);
        }
        let created;
        try {
          created = await client.createContainer({
            ...(request.name ? { name: request.name } : {}),
            ...body,
          });
        } catch (error) {
          throw engineError(error, 'image', permit.engine.name);
        }
        try {
          for (const network of request.networks.slice(1)) {
            await client.connectNetwork(network.name, {
              Container: created.id,
              EndpointConfig: endpointOf(network),
            });
          }
          if (request.start) await client.changeContainer(created.id, 'start');
        } catch (error) {
          await client
            .changeContainer(created.id, 'remove', { force: true })
            .catch(() => undefined);
          throw engineError(error, 'network', permit.engine.name);
        }
        const name =
          request.name ?? (await client.inspectContainer(created.id)).Name.replace(/^\//, '');
        entry.target = name;
        return {
          id: created.id,
          hostId,
          name,
          started: request.start,
          pulled,
          // dockerode's createContainer does not pass the engine's warnings on.
          warnings: [],
        };
      },
      (result) => ({ id: result.id, pulled: result.pulled }),
    );
  }

  /**
   * What the engine would refuse for this host, as field errors before anything is created;
   * returns the named volumes to create for their owner.
   */
  private async checkAgainstHost(
    permit: HostPermit,
    request: TCreateContainerRequest,
  ): Promise<string[]> {
    const client = permit.engine.client;
    const issues: FieldIssue[] = [];
    const newVolumes: string[] = [];
    try {
      if (request.name) {
        const same = await client.listContainers({
          all: true,
          filters: { name: [`^/${request.name}$`] },
        });
        if (same.length > 0) {
          throw new AppError('CONFLICT', `a container named ${request.name} exists on this host`, {
            issues: [{ path: 'name', message: 'already used by another container on this host' }],
          });
        }
      }
      // With an owner-limited grant, another user's network or volume counts as absent.
      const usable = (labels: Record<string, string> | null | undefined) =>
        withinReach(labels ?? {}, permit.reach, permit.user.id, permit.teamIds);
      const custom = request.networks.filter((n) => !isBuiltInNetwork(n.name));
      if (custom.length > 0) {
        const known = await client.listNetworks();
        request.networks.forEach((network, index) => {
          if (isBuiltInNetwork(network.name)) return;
          const found = known.some(
            (k) => (k.Name === network.name || k.Id.startsWith(network.name)) && usable(k.Labels),
          );
          if (!found) {
            issues.push({
              path: `networks.${index}.name`,
              message: `no network named ${network.name} on host ${permit.engine.name}`,
            });
          }
        });
      }
      if (permit.reach === 'owned') {
        const volumes = await this.ownedVolumes(permit, request);
        issues.push(...volumes.issues);
        newVolumes.push(...volumes.missing);
      }
    } catch (error) {
      throw engineError(error, 'host', permit.engine.name);
    }
    if (issues.length > 0) throw AppError.validation(issues);
    return newVolumes;
  }

  /**
   * Named volumes for an owner-limited caller: an existing one must be theirs (another user's
   * counts as taken); a new one is to be created with their owner labels, so that they keep
   * seeing it (the engine would create it unlabelled).
   */
  private async ownedVolumes(
    permit: HostPermit,
    request: TCreateContainerRequest,
  ): Promise<{ issues: FieldIssue[]; missing: string[] }> {
    const named = request.volumes.flatMap((mount, index) =>
      mount.type === 'volume' && mount.source ? [{ name: mount.source, index }] : [],
    );
    if (named.length === 0) return { issues: [], missing: [] };
    const volumes = await permit.engine.client.listVolumes();
    const issues: FieldIssue[] = [];
    const missing: string[] = [];
    for (const { name, index } of named) {
      const existing = volumes.find((v) => v.Name === name);
      if (!existing) missing.push(name);
      else if (!withinReach(existing.Labels ?? {}, 'owned', permit.user.id, permit.teamIds)) {
        issues.push({
          path: `volumes.${index}.source`,
          message: `the name ${name} is taken by a volume you may not use`,
        });
      }
    }
    return { issues, missing };
  }

  private async ensureImage(
    caller: Caller,
    permit: HostPermit,
    request: TCreateContainerRequest,
  ): Promise<boolean> {
    if (request.pull === 'never') return false;
    if (request.pull === 'missing' && (await this.puller.has(permit.engine, request.image))) {
      return false;
    }
    // Pulling is its own permission: a user may create from local images only.
    await this.access.require(caller.principal, permit.engine.hostId, 'image.pull');
    await this.puller.pull(permit.engine, request.image, {
      userId: permit.user.id,
      requestId: caller.facts.requestId ?? '',
    });
    return true;
  }
}
