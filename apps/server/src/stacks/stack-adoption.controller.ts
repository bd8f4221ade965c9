import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  type TComposeFromContainers,
  type TComposeFromContainersRequest,
  type TCreateStackRequest,
  type TStackDeployResponse,
  type TUnmanagedStackList,
  type TUnmanagedStackListQuery,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { ContainerComposeService } from '../containers/container-compose.service.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { StackAdoptionService } from './stack-adoption.service.js';

/** Compose projects made outside Berth, their adoption, and compose files made from containers. */
@Controller()
export class StackAdoptionController {
  constructor(
    private readonly adoption: StackAdoptionService,
    private readonly containerCompose: ContainerComposeService,
  ) {}

  @Route(ROUTES.listUnmanagedStacks)
  list(
    @Query() query: TUnmanagedStackListQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TUnmanagedStackList> {
    return this.adoption.list(caller, query.hostId);
  }

  @Route(ROUTES.adoptStack)
  adopt(
    @Param('hostId') hostId: string,
    @Body() body: TCreateStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackDeployResponse> {
    return this.adoption.adopt(caller, hostId, body);
  }

  @Route(ROUTES.composeFromContainers)
  composeFromContainers(
    @Param('hostId') hostId: string,
    @Body() body: TComposeFromContainersRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TComposeFromContainers> {
    return this.containerCompose.compose(caller, hostId, body.ids);
  }
}
