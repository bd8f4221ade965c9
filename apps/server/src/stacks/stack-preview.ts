import { Injectable } from '@nestjs/common';
import { type TCreateStackRequest, type TStackPlan, ZStackPlan } from '@berth/shared';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { AppError } from '../common/app-error.js';
import { loadStack, observe, upPlan } from './stack-compose.js';
import { scrubDeep, secretValues, withEnvFile } from './stack-env.js';
import { planView } from './stack-plan-view.js';

/**
 * The plan of a stack that does not exist yet: what deploying it on the host would create (and
 * which containers of a same-named project made elsewhere it would recreate), shown before the
 * first deploy. Nothing is stored and nothing changes on the host.
 */
@Injectable()
export class StackPreview {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: ContainerAccess,
  ) {}

  async planNew(caller: Caller, hostId: string, body: TCreateStackRequest): Promise<TStackPlan> {
    const permit = await this.access.require(
      caller.principal,
      hostId,
      'stack.deploy',
      caller.grant,
    );
    const env = withEnvFile(body.env ?? [], body.envFile);
    const project = loadStack(body.name, body.compose, env);
    const taken = await this.prisma.db.stack.findUnique({
      where: { hostId_name: { hostId, name: body.name } },
    });
    if (taken) throw new AppError('CONFLICT', `a stack named ${body.name} exists on this host`);
    let observed;
    try {
      observed = await observe(permit.engine.client, project);
    } catch (error) {
      throw engineError(error, 'host', permit.engine.name);
    }
    return ZStackPlan.parse(scrubDeep(planView(upPlan(project, observed)), secretValues(env)));
  }
}
