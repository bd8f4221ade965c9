import { Injectable } from '@nestjs/common';
import {
  composeFromContainers,
  type ContainerInspectInput,
  type ContainerSource,
  type ImageDefaults,
} from '@berth/compose';
import { SECRET_MASK, type TComposeFromContainers } from '@berth/shared';
import { isBerthLabel } from '../stacks/foreign-containers.js';
import type { Caller } from './caller.js';
import { ContainerAccess } from './container-access.js';
import { engineError } from './engine-error.js';
import { secretEnvNames } from './secret-env.js';

/**
 * A compose file made from containers as they run (their inspect, less what their image gives),
 * to start a stack from. Secret environment values never leave: they become `${NAME}` references.
 */
@Injectable()
export class ContainerComposeService {
  constructor(private readonly access: ContainerAccess) {}

  async compose(caller: Caller, hostId: string, ids: string[]): Promise<TComposeFromContainers> {
    const sources: ContainerSource[] = [];
    for (const ref of ids) {
      const { permit, container } = await this.access.requireContainer(
        caller.principal,
        hostId,
        ref,
        'container.inspect',
        caller.grant,
      );
      const client = permit.engine.client;
      let inspect;
      try {
        inspect = await client.inspectContainer(container.id);
      } catch (error) {
        throw engineError(error, 'container', container.name);
      }
      const image = await client.inspectImage(inspect.Image).catch(() => undefined);
      const secretEnv = secretEnvNames(inspect.Config?.Labels);
      // A value already masked by another tool is no value to copy either.
      for (const entry of inspect.Config?.Env ?? []) {
        if (entry.endsWith(`=${SECRET_MASK}`)) secretEnv.add(entry.slice(0, entry.indexOf('=')));
      }
      sources.push({
        inspect: inspect as unknown as ContainerInspectInput,
        ...(image?.Config ? { image: image.Config as ImageDefaults } : {}),
        secretEnv,
      });
    }
    return composeFromContainers(sources, { privateLabel: isBerthLabel });
  }
}
