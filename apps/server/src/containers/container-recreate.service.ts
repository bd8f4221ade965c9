import { Inject, Injectable } from '@nestjs/common';
import type { TRecreateContainerRequest, TRecreateContainerResponse } from '@berth/shared';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import type { EngineClient } from '../docker/engine-client.js';
import type { Caller } from './caller.js';
import { ContainerAccess, type HostPermit } from './container-access.js';
import { ContainerAudit } from './container-audit.js';
import { ContainerPolicy } from './container-policy.js';
import { engineError } from './engine-error.js';
import { ImagePuller } from './image-puller.js';

interface Inspected {
  Id: string;
  Name: string;
  Config: Record<string, unknown> & { Image: string; Hostname?: string };
  HostConfig: Record<string, unknown> & { NetworkMode?: string };
  State: { Running?: boolean; Paused?: boolean };
  NetworkSettings?: {
    Networks?: Record<
      string,
      { Aliases?: string[] | null; IPAMConfig?: unknown; Links?: unknown; DriverOpts?: unknown }
    > | null;
  };
}

/** A step that was done, and how to undo it if a later one fails. */
type Undo = () => Promise<unknown>;

/**
 * Replaces a container with a new one of the same configuration (after pulling its image again
 * when asked): stop → rename the old one aside → create with the same Config, HostConfig and
 * networks → start → remove the old one. Any failure before the old one is removed undoes the
 * steps taken, newest first, so the old container is back under its name and state.
 */
@Injectable()
export class ContainerRecreateService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    private readonly puller: ImagePuller,
    private readonly policy: ContainerPolicy,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  recreate(
    caller: Caller,
    hostId: string,
    ref: string,
    request: TRecreateContainerRequest,
  ): Promise<TRecreateContainerResponse> {
    const entry = {
      action: 'container.recreate' as const,
      hostId,
      target: ref,
      details: { pull: request.pull, t: request.t } as Record<string, unknown>,
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        // Recreating creates and removes a container: it needs both permissions.
        const { permit, container } = await this.access.requireContainer(
          caller.principal,
          hostId,
          ref,
          'container.create',
        );
        await this.access.requireContainer(caller.principal, hostId, ref, 'container.delete');
        entry.target = container.name;
        const client = permit.engine.client;
        const inspected = (await this.engine(permit, () =>
          client.inspectContainer(container.id),
        )) as unknown as Inspected;
        const info = await this.engine(permit, () => client.info());
        const old = { ...inspected, HostConfig: asCreated(inspected.HostConfig, info) };
        // The new container is a creation like any other: the host's policy applies to it.
        await this.policy.check(permit.user, permit.engine, { HostConfig: old.HostConfig });
        // Old and new share the name, so the engine cannot tell afterwards which one it holds.
        await beforeEngine();
        if (request.pull) {
          await this.access.require(caller.principal, hostId, 'image.pull');
          await this.puller.pull(permit.engine, old.Config.Image, {
            userId: permit.user.id,
            requestId: caller.facts.requestId ?? '',
          });
        }
        return this.replace(permit, client, old, request.t);
      },
      (result) => ({ id: result.id, previousId: result.previousId }),
    );
  }

  private async replace(
    permit: HostPermit,
    client: EngineClient,
    old: Inspected,
    t: number | undefined,
  ): Promise<TRecreateContainerResponse> {
    const name = old.Name.replace(/^\//, '');
    const running = Boolean(old.State.Running);
    const previous = old.Id;
    const undo: Undo[] = [];
    try {
      if (running) {
        await client.changeContainer(previous, 'stop', t === undefined ? {} : { t });
        undo.push(() => client.changeContainer(previous, 'start'));
      }
      await client.renameContainer(previous, `${name}-berth-old-${old.Id.slice(0, 8)}`);
      undo.push(() => client.renameContainer(previous, name));
      const { first, rest } = networksOf(old);
      const created = await client.createContainer({
        name,
        ...configOf(old),
        HostConfig: old.HostConfig,
        ...(first ? { NetworkingConfig: { EndpointsConfig: { [first[0]]: first[1] } } } : {}),
      });
      undo.push(() => client.changeContainer(created.id, 'remove', { force: true }));
      for (const [network, endpoint] of rest) {
        await client.connectNetwork(network, { Container: created.id, EndpointConfig: endpoint });
      }
      if (running) await client.changeContainer(created.id, 'start');
      await client.changeContainer(previous, 'remove').catch((error: unknown) => {
        // The new container runs; an old one left aside is reported, not rolled back.
        this.log.warn({ err: error, id: old.Id }, 'recreate: could not remove the old container');
      });
      return { id: created.id, name, previousId: old.Id, started: running };
    } catch (error) {
      for (const step of undo.reverse()) {
        await step().catch((undoError: unknown) =>
          this.log.error({ err: undoError, id: old.Id }, 'recreate: a rollback step failed'),
        );
      }
      throw engineError(error, 'container', permit.engine.name);
    }
  }

  private async engine<T>(permit: HostPermit, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw engineError(error, 'container', permit.engine.name);
    }
  }
}

/**
 * An inspected HostConfig as it was given at create: without what the engine fills in itself. The
 * masked and read-only /proc paths follow from `Privileged` and `SecurityOpt` (kept), and the
 * cgroup namespace is the engine's default unless another was asked for (host on cgroup v1,
 * private on v2). Given back as they are, they would read as choices the host policy weighs.
 */
function asCreated(
  hostConfig: Inspected['HostConfig'],
  info: { CgroupVersion?: string },
): Inspected['HostConfig'] {
  const { MaskedPaths: _masked, ReadonlyPaths: _readonly, ...given } = hostConfig;
  const defaultCgroupns = info.CgroupVersion === '2' ? 'private' : 'host';
  if (given.CgroupnsMode === defaultCgroupns) delete given.CgroupnsMode;
  return given;
}

/** The create body's top-level fields from an inspect; the host name stays only if it was set. */
function configOf(old: Inspected): Record<string, unknown> {
  const config: Record<string, unknown> = { ...old.Config };
  if (old.Config.Hostname === old.Id.slice(0, 12)) delete config.Hostname;
  return config;
}

type Endpoint = Record<string, unknown>;

/** The networks to join: the one of NetworkMode at create, the others connected after. */
function networksOf(old: Inspected): {
  first: [string, Endpoint] | null;
  rest: [string, Endpoint][];
} {
  const mode = old.HostConfig.NetworkMode ?? 'default';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    return { first: null, rest: [] };
  }
  const shortId = old.Id.slice(0, 12);
  const endpoints = Object.entries(old.NetworkSettings?.Networks ?? {}).map(
    ([network, settings]): [string, Endpoint] => {
      const aliases = (settings.Aliases ?? []).filter((alias) => alias !== shortId);
      return [
        network,
        {
          ...(aliases.length > 0 ? { Aliases: aliases } : {}),
          ...(settings.IPAMConfig ? { IPAMConfig: settings.IPAMConfig } : {}),
          ...(settings.Links ? { Links: settings.Links } : {}),
          ...(settings.DriverOpts ? { DriverOpts: settings.DriverOpts } : {}),
        },
      ];
    },
  );
  const primary = mode === 'default' ? 'bridge' : mode;
  const first = endpoints.find(([network]) => network === primary) ?? endpoints[0] ?? null;
  return { first, rest: endpoints.filter((e) => e !== first) };
}
