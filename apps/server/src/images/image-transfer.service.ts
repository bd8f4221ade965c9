import { Injectable } from '@nestjs/common';
import {
  type TPullImagesRequest,
  type TPullImagesResponse,
  type TPullProgress,
  type TPullResult,
  type TPushImageRequest,
  type TPushImageResponse,
  withDefaultTag,
} from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import type { HostPermit } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { ImagePuller } from '../containers/image-puller.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { authConfigOf, encodeAuthHeader } from '../registries/registry-auth-header.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import { ImageAccess } from './image-access.js';
import { followProgress } from './progress-stream.js';
import { onReferenceField } from './reference-error.js';

/** A push can take minutes; only the engine's first answer has a deadline. */
const PUSH_ANSWER_TIMEOUT_MS = 30_000;

/**
 * Pulls to several hosts at once and pushes, with the stored registry login the caller may use
 * added here (never handed to the client), and the engine's progress pushed to the caller's
 * dashboards (`image.pull`, `image.push`, tagged with the REST request id). Each host's pull and
 * each push is audited on its own.
 */
@Injectable()
export class ImageTransferService {
  constructor(
    private readonly access: ImageAccess,
    private readonly audit: ContainerAudit,
    private readonly puller: ImagePuller,
    private readonly credentials: RegistryCredentialsService,
    private readonly publisher: RealtimePublisher,
  ) {}

  /**
   * Every host is checked before any pull starts, so a refusal pulls nothing. The pulls run side
   * by side; the answer lists each host's outcome, or is the error itself when every host failed.
   */
  async pull(caller: Caller, body: TPullImagesRequest): Promise<TPullImagesResponse> {
    const reference = withDefaultTag(body.reference);
    const permits: HostPermit[] = [];
    for (const hostId of body.hostIds) {
      try {
        permits.push(await this.access.read(caller, hostId, 'image.pull'));
      } catch (error) {
        // Refused as the route guard refuses a host's routes: recorded under the action.
        if (error instanceof AppError && error.code === 'FORBIDDEN') {
          await this.audit.record(caller, {
            action: 'image.pull',
            hostId,
            target: reference,
            outcome: 'denied',
            details: { error: error.code, reason: error.message },
          });
        }
        throw error;
      }
    }
    const outcomes = await Promise.all(
      permits.map((permit) => this.pullOne(caller, permit, reference)),
    );
    const firstError = outcomes.find((o) => o.error)?.error;
    if (firstError && outcomes.every((o) => o.error)) throw firstError;
    return { reference, results: outcomes.map((o) => o.result) };
  }

  private async pullOne(
    caller: Caller,
    permit: HostPermit,
    reference: string,
  ): Promise<{ result: TPullResult; error?: AppError }> {
    const hostId = permit.engine.hostId;
    try {
      const id = await this.audit.around(
        caller,
        { action: 'image.pull', hostId, target: reference },
        async (beforeEngine) => {
          await beforeEngine();
          await this.puller.pull(permit.engine, reference, {
            userId: caller.principal.user.id,
            requestId: caller.facts.requestId ?? '',
          });
          return (await permit.engine.client.inspectImage(reference)).Id;
        },
        (pulled) => ({ id: pulled }),
      );
      return { result: { hostId, ok: true, id } };
    } catch (caught) {
      const error = onReference(engineError(caught, 'image', permit.engine.name));
      return {
        result: {
          hostId,
          ok: false,
          id: null,
          error: { code: error.code, message: error.message },
        },
        error,
      };
    }
  }

  push(caller: Caller, hostId: string, body: TPushImageRequest): Promise<TPushImageResponse> {
    const reference = withDefaultTag(body.reference);
    return this.audit.around(
      caller,
      { action: 'image.push', hostId, target: reference },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'image.push');
        const login = await this.credentials.forImage(reference, caller.principal.user, hostId);
        // The engine wants the header even for an anonymous push.
        const auth = encodeAuthHeader(login ? authConfigOf(login) : {});
        const colon = reference.lastIndexOf(':');
        const name = reference.slice(0, colon);
        const tag = reference.slice(colon + 1);
        const publish = (progress: Omit<TPullProgress, 'requestId' | 'hostId' | 'image'>) =>
          this.publisher.toUser(caller.principal.user.id, 'image.push', {
            requestId: caller.facts.requestId ?? '',
            hostId,
            image: reference,
            ...progress,
          });
        await beforeEngine();
        let stream;
        try {
          stream = await permit.engine.client.stream({
            method: 'POST',
            path: `/images/${encodeURIComponent(name)}/push?tag=${encodeURIComponent(tag)}`,
            headers: { 'x-registry-auth': auth },
            timeoutMs: PUSH_ANSWER_TIMEOUT_MS,
          });
        } catch (error) {
          const failed = engineError(onReferenceField(error), 'image', permit.engine.name);
          publish({ status: 'failed', done: true, error: failed.message });
          throw failed;
        }
        const end = await followProgress(stream, publish);
        publish({
          status: end.error ? 'failed' : 'complete',
          done: true,
          ...(end.error ? { error: end.error } : {}),
        });
        if (end.error) {
          throw AppError.validation([
            { path: 'reference', message: `the host could not push ${reference}: ${end.error}` },
          ]);
        }
        const digest = end.aux?.Digest;
        return { reference, digest: typeof digest === 'string' ? digest : null };
      },
      (pushed) => ({ digest: pushed.digest }),
    );
  }
}

/** The puller names the field it was given (`image`); here it is the request's `reference`. */
function onReference(error: AppError): AppError {
  const issues = error.details?.issues;
  if (error.code !== 'VALIDATION_FAILED' || !issues) return error;
  return AppError.validation(issues.map((issue) => ({ ...issue, path: 'reference' })));
}
