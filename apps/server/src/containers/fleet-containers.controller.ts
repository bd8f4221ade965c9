import { Body, Controller, Query } from '@nestjs/common';
import {
  type TBulkContainerRequest,
  type TBulkContainerResponse,
  type TContainerListQuery,
  type TContainerListResponse,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from './caller.js';
import { ContainerLifecycleService } from './container-lifecycle.service.js';
import { ContainerListService } from './container-list.service.js';
import { CurrentCaller } from './current-caller.decorator.js';

/** Containers across every host the caller may see. */
@Controller()
export class FleetContainersController {
  constructor(
    private readonly list: ContainerListService,
    private readonly lifecycle: ContainerLifecycleService,
  ) {}

  @Route(ROUTES.listContainers)
  find(
    @Query() query: TContainerListQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerListResponse> {
    return this.list.list(caller.principal.user, query);
  }

  @Route(ROUTES.bulkContainers)
  bulk(
    @Body() body: TBulkContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TBulkContainerResponse> {
    return this.lifecycle.bulk(caller, body);
  }
}
