import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import {
  type TImageInspect,
  type TImageLayer,
  type TPruneImagesRequest,
  type TPruneImagesResponse,
  type TRemoveImageQuery,
  type TRemoveImageResponse,
  type TTagImageRequest,
  ZImageInspect,
  ZPruneImagesRequest,
  withDefaultTag,
} from '@berth/shared';
import { CONFIG, type Config } from '../config/config.js';
import { readEngineAnswer } from '../docker/engine-answer.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { maskSecretEnv } from '../containers/secret-env.js';
import type { HostPermit } from '../containers/container-access.js';
import { ImageAccess } from './image-access.js';
import { onReferenceField } from './reference-error.js';
import { type EngineHistoryEntry, toImageLayer } from './image-history.js';

interface EngineRemoved {
  Untagged?: string;
  Deleted?: string;
}

/**
 * Inspect, history, tag, remove and prune on one host. Each change checks its permission, is
 * journaled before the engine is asked and settled with its answer (`ContainerAudit.around`).
 */
@Injectable()
export class ImagesService {
  constructor(
    private readonly access: ImageAccess,
    private readonly audit: ContainerAudit,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async inspect(caller: Caller, hostId: string, ref: string): Promise<TImageInspect> {
    const permit = await this.access.read(caller, hostId, 'image.list');
    const inspect = await this.engine(permit, () => permit.engine.client.inspectImage(ref));
    // A commit keeps the container's secret environment: masked for all but administrators.
    const shown = permit.user.isAdmin ? inspect : maskSecretEnv(inspect);
    return readEngineAnswer(ZImageInspect, shown, 'image inspect');
  }

  async history(caller: Caller, hostId: string, ref: string): Promise<TImageLayer[]> {
    const permit = await this.access.read(caller, hostId, 'image.list');
    const entries = await this.engine(permit, () =>
      permit.engine.client.json<EngineHistoryEntry[]>({
        path: `/images/${encodeURIComponent(ref)}/history`,
        timeoutMs: this.config.engineTimeoutMs,
      }),
    );
    return entries.map(toImageLayer);
  }

  /** The engine's `docker save` archive of the images, streamed; the caller ends it. */
  async save(caller: Caller, hostId: string, names: readonly string[]): Promise<IncomingMessage> {
    const permit = await this.access.read(caller, hostId, 'image.list');
    const query = names.map((name) => `names=${encodeURIComponent(name)}`).join('&');
    return this.engine(permit, () =>
      permit.engine.client.stream({
        path: `/images/get?${query}`,
        timeoutMs: this.config.engineTimeoutMs,
      }),
    );
  }

  async tag(caller: Caller, hostId: string, ref: string, body: TTagImageRequest): Promise<void> {
    const reference = withDefaultTag(body.reference);
    const colon = reference.lastIndexOf(':');
    const repo = reference.slice(0, colon);
    const tag = reference.slice(colon + 1);
    await this.audit.around(
      caller,
      { action: 'image.tag', hostId, target: ref, details: { reference } },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'image.push');
        await beforeEngine();
        const answer = await this.engine(permit, () =>
          permit.engine.client
            .stream({
              method: 'POST',
              path: `/images/${encodeURIComponent(ref)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`,
              timeoutMs: this.config.engineTimeoutMs,
            })
            .catch((error: unknown) => {
              throw onReferenceField(error);
            }),
        );
        answer.resume();
      },
    );
  }

  remove(
    caller: Caller,
    hostId: string,
    ref: string,
    query: TRemoveImageQuery,
  ): Promise<TRemoveImageResponse> {
    const force = query.force === true;
    const noprune = query.noprune === true;
    return this.audit.around(
      caller,
      { action: 'image.remove', hostId, target: ref, details: { force, noprune } },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'image.delete');
        await beforeEngine();
        const removed = await this.engine(permit, () =>
          permit.engine.client.json<EngineRemoved[]>({
            method: 'DELETE',
            path: `/images/${encodeURIComponent(ref)}?force=${force}&noprune=${noprune}`,
            timeoutMs: this.config.engineTimeoutMs,
          }),
        );
        return splitRemoved(removed);
      },
      (result) => ({ deleted: result.deleted.length, untagged: result.untagged }),
    );
  }

  prune(caller: Caller, hostId: string, body: TPruneImagesRequest): Promise<TPruneImagesResponse> {
    const { mode, labels } = ZPruneImagesRequest.parse(body);
    return this.audit.around(
      caller,
      { action: 'image.prune', hostId, target: mode, details: { mode, labels: labels ?? [] } },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'image.delete');
        await beforeEngine();
        // `dangling=false` prunes every image no container uses, tagged or not.
        const filters = JSON.stringify({
          dangling: [mode === 'dangling' ? 'true' : 'false'],
          ...(labels?.length ? { label: labels } : {}),
        });
        const answer = await this.engine(permit, () =>
          permit.engine.client.json<{
            ImagesDeleted: EngineRemoved[] | null;
            SpaceReclaimed: number;
          }>({
            method: 'POST',
            path: `/images/prune?filters=${encodeURIComponent(filters)}`,
            // Removing many images takes the engine a while.
            timeoutMs: Math.max(this.config.engineTimeoutMs, 120_000),
          }),
        );
        return {
          ...splitRemoved(answer.ImagesDeleted ?? []),
          spaceReclaimed: answer.SpaceReclaimed ?? 0,
        };
      },
      (result) => ({ deleted: result.deleted.length, spaceReclaimed: result.spaceReclaimed }),
    );
  }

  private async engine<T>(permit: HostPermit, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw engineError(error, 'image', permit.engine.name);
    }
  }
}

function splitRemoved(removed: EngineRemoved[]): TRemoveImageResponse {
  return {
    untagged: removed.flatMap((r) => (r.Untagged ? [r.Untagged] : [])),
    deleted: removed.flatMap((r) => (r.Deleted ? [r.Deleted] : [])),
  };
}
