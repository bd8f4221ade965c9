import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import {
  type TBuildFromGitRequest,
  type TBuildImageResponse,
  type TBuildLog,
  withDefaultTag,
  ZBuildFromGitRequest,
} from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import type { HostPermit } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';
import { GitFetcher } from '../git/git-fetcher.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import { type BuildOptions, readBuildUpload } from './build-upload.js';
import { buildRegistryHeaders, runEngineBuild } from './engine-build.js';
import { ImageAccess } from './image-access.js';

/**
 * Builds an image on a host from an uploaded context or from a git repository fetched here (the
 * engine needs no git). The engine's log goes line by line to the caller's dashboards
 * (`image.build`, tagged with the REST request id); the build is journaled before the engine is
 * asked and settled with its end. A failed step answers 400 on `dockerfile` naming the step; the
 * engine tags only a build that worked, and intermediate containers are removed either way.
 */
@Injectable()
export class ImageBuildService {
  constructor(
    private readonly access: ImageAccess,
    private readonly audit: ContainerAudit,
    private readonly credentials: RegistryCredentialsService,
    private readonly publisher: RealtimePublisher,
    private readonly git: GitFetcher,
  ) {}

  async fromUpload(
    caller: Caller,
    hostId: string,
    req: IncomingMessage,
  ): Promise<TBuildImageResponse> {
    const upload = await readBuildUpload(req);
    try {
      return await this.build(caller, hostId, upload.options, null, { source: 'upload' }, () =>
        createReadStream(upload.contextTar),
      );
    } finally {
      await upload.dispose();
    }
  }

  async fromGit(
    caller: Caller,
    hostId: string,
    body: TBuildFromGitRequest,
  ): Promise<TBuildImageResponse> {
    const { git, ...options } = ZBuildFromGitRequest.parse(body);
    // Refused before anything is fetched.
    await this.access.change(caller, hostId, 'image.build');
    const snapshot = await this.git.fetch(git, 'git');
    try {
      const folder = git.subPath ?? '';
      if (folder && !(await snapshot.isFolder(folder))) {
        throw AppError.validation([
          { path: 'git.subPath', message: `no folder ${folder} in ${snapshot.commit}` },
        ]);
      }
      if (!(await snapshot.isFile(posix.join(folder, options.dockerfile)))) {
        throw AppError.validation([
          {
            path: 'dockerfile',
            message: `no file ${options.dockerfile} in ${folder || 'the repository'} at ${snapshot.commit}`,
          },
        ]);
      }
      const source = { source: 'git', url: git.url, ref: git.ref ?? null, subPath: folder };
      return await this.build(caller, hostId, options, snapshot.commit, source, () =>
        snapshot.archive(folder),
      );
    } finally {
      await snapshot.dispose();
    }
  }

  private build(
    caller: Caller,
    hostId: string,
    options: BuildOptions,
    commit: string | null,
    source: Record<string, unknown>,
    context: () => Readable,
  ): Promise<TBuildImageResponse> {
    const tags = options.tags.map(withDefaultTag);
    const requestId = caller.facts.requestId ?? '';
    const publish = (log: Omit<TBuildLog, 'requestId' | 'hostId'>) =>
      this.publisher.toUser(caller.principal.user.id, 'image.build', { requestId, hostId, ...log });
    return this.audit.around(
      caller,
      {
        action: 'image.build',
        hostId,
        target: tags[0]!,
        details: {
          ...source,
          ...(commit ? { commit } : {}),
          tags,
          dockerfile: options.dockerfile,
          target: options.target ?? null,
          noCache: options.noCache === true,
          // Names only: a value may be a secret.
          buildArgs: Object.keys(options.buildArgs ?? {}),
        },
      },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'image.build');
        const headers = await buildRegistryHeaders(this.credentials, caller.principal.user, hostId);
        await beforeEngine();
        let end;
        try {
          end = await runEngineBuild(
            permit.engine.client,
            { ...options, tags },
            headers,
            context(),
            (line) => publish({ line }),
          );
        } catch (error) {
          const failed = buildError(error, permit);
          publish({ done: true, error: failed.message });
          throw failed;
        }
        if (end.error || !end.id) {
          const reason = end.error ?? 'the engine ended the build without an image';
          const message = end.failedStep ? `${end.failedStep}: ${reason}` : reason;
          publish({ done: true, error: message });
          throw new AppError('VALIDATION_FAILED', `the build failed: ${message}`, {
            issues: [{ path: 'dockerfile', message }],
            ...(end.failedStep ? { step: end.failedStep } : {}),
          });
        }
        publish({ done: true, id: end.id });
        return { id: end.id, tags, commit };
      },
      (built) => ({ id: built.id }),
    );
  }
}

/** The engine refusing the build before it starts: a missing Dockerfile is the request's fault. */
function buildError(error: unknown, permit: HostPermit): AppError {
  const reason = EngineError.from(error).reason;
  if (/Cannot locate specified Dockerfile|Dockerfile.*no such file/i.test(reason)) {
    return AppError.validation([{ path: 'dockerfile', message: reason }]);
  }
  if (/failed to reach build target|target stage .* could not be found/i.test(reason)) {
    return AppError.validation([{ path: 'target', message: reason }]);
  }
  return engineError(error, 'image', permit.engine.name);
}
