import { Body, Controller, Param } from '@nestjs/common';
import {
  type TDeploySwarmStackRequest,
  type TSwarmStack,
  type TSwarmStackDeployed,
  type TSwarmStackKeptSource,
  type TSwarmStackList,
  type TSwarmStackSource,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { SwarmStacksService } from './swarm-stacks.service.js';

/** Swarm stacks of a manager host: swarm.view to list, swarm.manage to deploy and remove. */
@Controller()
export class SwarmStacksController {
  constructor(private readonly stacks: SwarmStacksService) {}

  @Route(ROUTES.listSwarmStacks)
  list(@Param('hostId') hostId: string, @CurrentCaller() caller: Caller): Promise<TSwarmStackList> {
    return this.stacks.list(caller, hostId);
  }

  @Route(ROUTES.inspectSwarmStack)
  inspect(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmStack> {
    return this.stacks.inspect(caller, hostId, name);
  }

  @Route(ROUTES.swarmStackSource)
  source(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmStackKeptSource> {
    return this.stacks.source(caller, hostId, name);
  }

  @Route(ROUTES.deploySwarmStack)
  deploy(
    @Param('hostId') hostId: string,
    @Body() body: TDeploySwarmStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmStackDeployed> {
    return this.stacks.deploy(caller, hostId, body.name, body, 'new');
  }

  @Route(ROUTES.updateSwarmStack)
  update(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Body() body: TSwarmStackSource,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmStackDeployed> {
    return this.stacks.deploy(caller, hostId, name, body, 'existing');
  }

  @Route(ROUTES.removeSwarmStack)
  remove(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.stacks.remove(caller, hostId, name);
  }
}
