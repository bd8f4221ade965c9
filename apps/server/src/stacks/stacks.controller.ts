import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  type TCreateStackRequest,
  type TStack,
  type TStackDeleteQuery,
  type TStackDeployResponse,
  type TStackDeploymentList,
  type TStackList,
  type TStackListQuery,
  type TStackPlan,
  type TUpdateStackRequest,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { StackPreview } from './stack-preview.js';
import { StacksService } from './stacks.service.js';

/** Compose stacks; each route's permission is checked on the stack's host by the route guard. */
@Controller()
export class StacksController {
  constructor(
    private readonly stacks: StacksService,
    private readonly preview: StackPreview,
  ) {}

  @Route(ROUTES.createStack)
  create(
    @Param('hostId') hostId: string,
    @Body() body: TCreateStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackDeployResponse> {
    return this.stacks.create(caller, hostId, body);
  }

  @Route(ROUTES.planNewStack)
  planNew(
    @Param('hostId') hostId: string,
    @Body() body: TCreateStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackPlan> {
    return this.preview.planNew(caller, hostId, body);
  }

  @Route(ROUTES.listStacks)
  list(@Query() query: TStackListQuery, @CurrentCaller() caller: Caller): Promise<TStackList> {
    return this.stacks.list(caller, query.hostId);
  }

  @Route(ROUTES.getStack)
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStack> {
    return this.stacks.get(caller, id);
  }

  @Route(ROUTES.updateStack)
  update(
    @Param('id') id: string,
    @Body() body: TUpdateStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackDeployResponse> {
    return this.stacks.update(caller, id, body);
  }

  @Route(ROUTES.planStack)
  plan(
    @Param('id') id: string,
    @Body() body: TUpdateStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackPlan> {
    return this.stacks.plan(caller, id, body);
  }

  @Route(ROUTES.startStack)
  start(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStackDeployResponse> {
    return this.stacks.act(caller, id, 'start');
  }

  @Route(ROUTES.stopStack)
  stop(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStackDeployResponse> {
    return this.stacks.act(caller, id, 'stop');
  }

  @Route(ROUTES.downStack)
  down(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStackDeployResponse> {
    return this.stacks.act(caller, id, 'down');
  }

  @Route(ROUTES.deleteStack)
  remove(
    @Param('id') id: string,
    @Query() query: TStackDeleteQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.stacks.remove(caller, id, query.volumes === 'true');
  }

  @Route(ROUTES.listStackDeployments)
  deployments(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackDeploymentList> {
    return this.stacks.deployments(caller, id);
  }
}
