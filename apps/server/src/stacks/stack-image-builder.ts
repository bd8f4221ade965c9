import { Injectable } from '@nestjs/common';
import type { PlanStep } from '@berth/compose';
import { COMPOSE_LABEL } from '@berth/compose';
import { EngineError } from '../docker/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { buildRegistryHeaders, runEngineBuild } from '../images/engine-build.js';
import type { RegistryCaller } from '../registries/registry-credentials.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import type { StackFiles } from './stack-checkout.js';

export type BuildStep = Extract<PlanStep, { kind: 'build-image' }>;

/**
 * Builds the image of a compose service on the stack's host from its context in the stack's
 * files, with the stored registry logins the deploying user may use there (for base images), each
 * line of the engine's log passed on. Fails naming the Dockerfile step that failed.
 */
@Injectable()
export class StackImageBuilder {
  constructor(private readonly credentials: RegistryCredentialsService) {}

  async build(
    engine: RegisteredEngine,
    caller: RegistryCaller,
    project: string,
    step: BuildStep,
    files: StackFiles,
    line: (text: string) => void,
  ): Promise<void> {
    const { build } = step;
    const context = await files.context(build.context, build.dockerfile);
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
