import { Inject, Injectable } from '@nestjs/common';
import type { TRecreateContainerRequest, TRecreateContainerResponse } from '@berth/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';
import type { AttemptJournal } from '../common/attempt-journal.js';
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
  /** The image's id. */
  Image: string;
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

/** What a recreate that may be run again for the same request writes before its first change. */
const RecreateStart = z.object({
  /** The container it replaces. */
  previousId: z.string(),
  /** Whether that one ran: a later attempt starts the new one as the first would have. */
  running: z.boolean(),
});
export type RecreateStart = z.infer<typeof RecreateStart>;

/** The container a recreate acts on under its name, and the one an earlier recreate set aside. */
interface Found {
  permit: HostPermit;
  name: string;
  current?: Inspected | undefined;
  aside?: Inspected | undefined;
}

/** The name a recreate gives the old container while the new one takes its name. */
const asideName = (name: string, id: string) => `${name}-berth-old-${id.slice(0, 8)}`;

/**
 * Replaces a container with a new one of the same configuration (after pulling its image again
 * when asked): stop → rename the old one aside → create with the same Config, HostConfig and
 * networks → start → remove the old one. Any failure before the old one is removed undoes the
 * steps taken, newest first, so the old container is back under its name and state.
 *
 * A recreate left half-done (its process died between the rename and the removal) is finished by
 * the next one of that name: the container set aside and no other under its name, or a new one
 * not started beside it. An attempt again of the same request (`journal`, a webhook job taken
 * over by another replica) also finds work already done: a new container, started as the old one
 * was, on the image its tag names after the pull, is recorded as done and not replaced again.
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
    journal?: AttemptJournal<RecreateStart>,
  ): Promise<TRecreateContainerResponse> {
    const details: Record<string, unknown> = { pull: request.pull, t: request.t };
    const entry = { action: 'container.recreate' as const, hostId, target: ref, details };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const parsed = RecreateStart.safeParse(await journal?.read());
        const earlier = parsed.success ? parsed.data : undefined;
        // Recreating creates and removes a container: it needs both permissions.
        const found = await this.find(caller, hostId, ref, earlier);
        const { permit, name } = found;
        entry.target = name;
        const client = permit.engine.client;
        const info = await this.engine(permit, () => client.info());
        const created = (container: Inspected): Inspected => ({
          ...container,
          HostConfig: asCreated(container.HostConfig, info),
        });
        const base = created((found.current ?? found.aside)!);
        // The new container is a creation like any other: the host's policy applies to it.
        await this.policy.check(permit.user, permit.engine, { HostConfig: base.HostConfig });
        // Old and new share the name, so the engine cannot tell afterwards which one it holds.
        await beforeEngine();
        const start = earlier ?? {
          previousId: (found.aside ?? base).Id,
          // One set aside was stopped by the recreate: a container a webhook keeps is one that runs.
          running: found.aside ? true : Boolean(base.State.Running),
        };
        if (!earlier) await journal?.write(start);
        if (request.pull) {
          await this.access.require(caller.principal, hostId, 'image.pull');
          await this.puller.pull(permit.engine, base.Config.Image, {
            userId: permit.user.id,
            requestId: caller.facts.requestId ?? '',
          });
        }
        let current = found.current;
        if (found.aside) {
          current = await this.finish(permit, created(found.aside), name, current, start.running);
          details.resumed = 'finished';
        }
        // Done only if the container under the name is another than the one the recreate set
        // out to replace: an attempt that died before its first change left that one as it was.
        const replaced = current!.Id !== start.previousId;
        if (
          (found.aside || earlier) &&
          replaced &&
          (await this.done(client, current!, start.running))
        ) {
          details.resumed ??= 'done';
          const previousId = found.aside?.Id ?? earlier?.previousId ?? current!.Id;
          return { id: current!.Id, name, previousId, started: start.running };
        }
        return this.replace(permit, client, created(current!), request.t, start.running);
      },
      (result) => ({ id: result.id, previousId: result.previousId }),
    );
  }

  /**
   * The container under `ref` and one a recreate of it left aside: the one an earlier attempt
   * replaced, or, when the container is missing or stopped, one under the recreate's aside name.
   * NOT_FOUND when there is neither.
   */
  private async find(
    caller: Caller,
    hostId: string,
    ref: string,
    earlier: RecreateStart | undefined,
  ): Promise<Found> {
    const current = await this.inspect(caller, hostId, ref);
    const name = current ? current.inspected.Name.replace(/^\//, '') : ref;
    let aside: Awaited<ReturnType<typeof this.inspect>>;
    if (earlier && earlier.previousId !== current?.inspected.Id) {
      aside = await this.inspect(caller, hostId, earlier.previousId);
    } else if (!earlier && !current?.inspected.State.Running) {
      aside = await this.setAside(caller, hostId, name);
    }
    const permit = (current ?? aside)?.permit;
    if (!permit) {
      // The usual answer for a container that is not there, with the engine's words.
      await this.access.requireContainer(caller.principal, hostId, ref, 'container.create');
      throw AppError.notFound('container');
    }
    return { permit, name, current: current?.inspected, aside: aside?.inspected };
  }

  /**
   * A container the caller may both create and delete, inspected; undefined when it is gone. The
   * engine resolves `ref`: the inventory may still know a name the container just gave up.
   */
  private async inspect(
    caller: Caller,
    hostId: string,
    ref: string,
  ): Promise<{ permit: HostPermit; inspected: Inspected } | undefined> {
    try {
      const permit = await this.access.require(caller.principal, hostId, 'container.create');
      const client = permit.engine.client;
      const inspected = (await this.engine(permit, () =>
        client.inspectContainer(ref),
      )) as unknown as Inspected;
      for (const permission of ['container.create', 'container.delete'] as const) {
        await this.access.requireContainer(caller.principal, hostId, inspected.Id, permission);
      }
      return { permit, inspected };
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** The container a recreate of `name` set aside and did not remove, if there is one. */
  private async setAside(caller: Caller, hostId: string, name: string) {
    const permit = await this.access.require(caller.principal, hostId, 'container.delete');
    const client = permit.engine.client;
    const listed = await this.engine(permit, () =>
      client.listContainers({ all: true, filters: { name: [`${name}-berth-old-`] } }),
    );
    const aside = listed.find((c) => c.Names.includes(`/${asideName(name, c.Id)}`));
    return aside ? this.inspect(caller, hostId, aside.Id) : undefined;
  }

  /**
   * Finishes a recreate left half-done: the new container made from the one set aside (unless it
   * is there already, then only joined to the networks it lacks), started as the old one was, and
   * the old one removed. A failure removes what this made, leaving things as they were found.
   */
  private async finish(
    permit: HostPermit,
    aside: Inspected,
    name: string,
    current: Inspected | undefined,
    running: boolean,
  ): Promise<Inspected> {
    const client = permit.engine.client;
    let made: string | undefined;
    try {
      const id = current?.Id ?? (made = await this.createLike(client, aside, name));
      if (current) {
        const joined = new Set(Object.keys(current.NetworkSettings?.Networks ?? {}));
        const { first, rest } = networksOf(aside);
        const missing = [first, ...rest].filter(
          (e): e is [string, Endpoint] => e !== null && !joined.has(e[0]),
        );
        await joinNetworks(client, id, missing);
      }
      if (running && !current?.State.Running) await client.changeContainer(id, 'start');
      await this.removeOld(client, aside.Id);
      return (await client.inspectContainer(id)) as unknown as Inspected;
    } catch (error) {
      if (made) {
        await client
          .changeContainer(made, 'remove', { force: true })
          .catch((undoError: unknown) =>
            this.log.error({ err: undoError, id: made }, 'recreate: a rollback step failed'),
          );
      }
      throw engineError(error, 'container', permit.engine.name);
    }
  }

  /** Whether `container` already is what the recreate makes: started as asked, on its tag's image. */
  private async done(client: EngineClient, container: Inspected, running: boolean) {
    if (Boolean(container.State.Running) !== running) return false;
    const image = await client.inspectImage(container.Config.Image).catch(() => undefined);
    return image?.Id === container.Image;
  }

  private async replace(
    permit: HostPermit,
    client: EngineClient,
    old: Inspected,
    t: number | undefined,
    running: boolean,
  ): Promise<TRecreateContainerResponse> {
    const name = old.Name.replace(/^\//, '');
    const previous = old.Id;
    const undo: Undo[] = [];
    try {
      // One an earlier attempt stopped is not stopped again; it ran, so the new one is started.
      if (old.State.Running) {
        await client.changeContainer(previous, 'stop', t === undefined ? {} : { t });
      }
      if (running) undo.push(() => client.changeContainer(previous, 'start'));
      await client.renameContainer(previous, asideName(name, old.Id));
      undo.push(() => client.renameContainer(previous, name));
      const created = await this.createLike(client, old, name, undo);
      if (running) await client.changeContainer(created, 'start');
      await this.removeOld(client, previous);
      return { id: created, name, previousId: old.Id, started: running };
    } catch (error) {
      for (const step of undo.reverse()) {
        await step().catch((undoError: unknown) =>
          this.log.error({ err: undoError, id: old.Id }, 'recreate: a rollback step failed'),
        );
      }
      throw engineError(error, 'container', permit.engine.name);
    }
  }

  /**
   * A container named `name` with `old`'s Config, HostConfig and networks, not started; its
   * removal is pushed on `undo` as soon as it exists.
   */
  private async createLike(
    client: EngineClient,
    old: Inspected,
    name: string,
    undo: Undo[] = [],
  ): Promise<string> {
    const { first, rest } = networksOf(old);
    const created = await client.createContainer({
      name,
      ...configOf(old),
      HostConfig: old.HostConfig,
      ...(first ? { NetworkingConfig: { EndpointsConfig: { [first[0]]: first[1] } } } : {}),
    });
    undo.push(() => client.changeContainer(created.id, 'remove', { force: true }));
    await joinNetworks(client, created.id, rest);
    return created.id;
  }

  /** The old container removed once the new one stands; one left aside is reported, not rolled back. */
  private async removeOld(client: EngineClient, id: string): Promise<void> {
    await client.changeContainer(id, 'remove').catch((error: unknown) => {
      this.log.warn({ err: error, id }, 'recreate: could not remove the old container');
    });
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

async function joinNetworks(client: EngineClient, id: string, endpoints: [string, Endpoint][]) {
  for (const [network, endpoint] of endpoints) {
    await client.connectNetwork(network, { Container: id, EndpointConfig: endpoint });
  }
}

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
