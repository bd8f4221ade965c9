import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { PlanStep } from '@berth/compose';
import { COMPOSE_LABEL } from '@berth/compose';
import { AppError } from '../common/app-error.js';
import { EngineError } from '../docker/engine-error.js';
import { GitFetcher } from '../git/git-fetcher.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { buildRegistryHeaders, runEngineBuild } from '../images/engine-build.js';
import type { RegistryCaller } from '../registries/registry-credentials.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import type { StackFiles } from './stack-checkout.js';

export type BuildStep = Extract<PlanStep, { kind: 'build-image' }>;

/**
 * Builds the image of a compose service on the stack's host from its context: a folder of the
 * stack's files, or a git repository named as the context (fetched here; the engine needs no git),
 * with the stored registry logins the deploying user may use there (for base images), each line
 * of the engine's log passed on. Fails naming the Dockerfile step that failed.
 */
@Injectable()
export class StackImageBuilder {
  constructor(
    private readonly credentials: RegistryCredentialsService,
    private readonly git: GitFetcher,
  ) {}

  async build(
    engine: RegisteredEngine,
    caller: RegistryCaller,
    project: string,
    step: BuildStep,
    files: () => Promise<StackFiles>,
    line: (text: string) => void,
  ): Promise<void> {
    const { build } = step;
    if (!build.remote) {
      const context = await (await files()).context(build.context, build.dockerfile);
      return this.run(engine, caller, project, step, context, line);
    }
    const { url, ref, folder = '' } = build.remote;
    let snapshot;
    try {
      snapshot = await this.git.fetch({ url, ref }, 'build.context');
    } catch (error) {
      const reason = error instanceof AppError ? error.message : String(error);
      throw new Error(`the build context ${url} could not be fetched: ${reason}`, { cause: error });
    }
    try {
      const at = `${url} at ${snapshot.commit.slice(0, 12)}`;
      if (folder && !(await snapshot.isFolder(folder))) {
        throw new Error(`the build context folder ${folder} is not in ${at}`);
      }
      if (!(await snapshot.isFile(posix.join(folder, build.dockerfile)))) {
        throw new Error(`no ${posix.join(folder, build.dockerfile)} in ${at}`);
      }
      line(`build context ${at}${folder ? `, folder ${folder}` : ''}`);
      await this.run(engine, caller, project, step, snapshot.archive(folder), line);
    } finally {
      await snapshot.dispose();
    }
  }

  private async run(
    engine: RegisteredEngine,
    caller: RegistryCaller,
    project: string,
    step: BuildStep,
    context: Readable,
    line: (text: string) => void,
  ): Promise<void> {
    const { build } = step;
    const headers = await buildRegistryHeaders(this.credentials, caller, engine.hostId);
    let end;
    try {
      end = await runEngineBuild(
        engine.client,
        {
          tags: [step.image],
          dockerfile: build.dockerfile,
          target: build.target,
          buildArgs: build.args,
          labels: { [COMPOSE_LABEL.project]: project, [COMPOSE_LABEL.service]: step.service },
        },
        headers,
        context,
        line,
      );
    } catch (error) {
      context.destroy();
      throw new Error(`the engine refused the build: ${EngineError.from(error).reason}`, {
        cause: error,
      });
    }
    if (end.error || !end.id) {
      const reason = end.error ?? 'the engine ended the build without an image';
      throw new Error(end.failedStep ? `${end.failedStep}: ${reason}` : reason);
    }
  }
}
