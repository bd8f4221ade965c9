import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TLoadImagesResponse, TPullProgress } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { ImageAccess } from './image-access.js';
import { followProgress } from './progress-stream.js';

/** Once the archive is sent, the engine's first answer has this long. */
const LOAD_ANSWER_TIMEOUT_MS = 60_000;

/**
 * Loads a `docker save` archive (the request body, streamed to the engine as it arrives) onto a
 * host, with the engine's progress pushed to the caller's dashboards (`image.load`). A load may
 * replace a tag anyone on the host uses, so it needs `image.pull` on all of the host.
 */
@Injectable()
export class ImageLoadService {
  constructor(
    private readonly access: ImageAccess,
    private readonly audit: ContainerAudit,
    private readonly publisher: RealtimePublisher,
  ) {}

  load(caller: Caller, hostId: string, req: IncomingMessage): Promise<TLoadImagesResponse> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/(x-tar|octet-stream)\b/i.test(type)) {
      throw AppError.validation([
        { path: 'body', message: 'send the archive as application/x-tar, as docker save makes it' },
      ]);
    }
    const publish = (progress: Omit<TPullProgress, 'requestId' | 'hostId' | 'image'>) =>
      this.publisher.toUser(caller.principal.user.id, 'image.load', {
        requestId: caller.facts.requestId ?? '',
        hostId,
        image: 'archive',
        ...progress,
      });
    return this.audit.around(
      caller,
      { action: 'image.load', hostId, target: 'archive' },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'image.pull');
        await beforeEngine();
        let stream;
        try {
          stream = await permit.engine.client.stream({
            method: 'POST',
            path: '/images/load?quiet=false',
            headers: { 'content-type': 'application/x-tar' },
            upload: req,
            timeoutMs: LOAD_ANSWER_TIMEOUT_MS,
          });
        } catch (error) {
          const failed = engineError(error, 'image', permit.engine.name);
          publish({ status: 'failed', done: true, error: failed.message });
          throw failed;
        }
        const loaded: string[] = [];
        const end = await followProgress(stream, (step) => {
          // "Loaded image: name:tag" or "Loaded image ID: sha256:…" for an untagged one.
          const named = /^Loaded image(?: ID)?: (.+)$/.exec(step.status.trim());
          if (named) loaded.push(named[1]!);
          publish(step);
        });
        publish({
          status: end.error ? 'failed' : 'complete',
          done: true,
          ...(end.error ? { error: end.error } : {}),
        });
        if (end.error || loaded.length === 0) {
          throw AppError.validation([
            {
              path: 'body',
              message: `the host could not load the archive: ${end.error ?? 'it held no image'}`,
            },
          ]);
        }
        return { loaded };
      },
      (result) => ({ loaded: result.loaded }),
    );
  }
}
