import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  type TBulkContainerRequest,
  type TBulkContainerResponse,
  type TContainerListQuery,
  type TContainerListResponse,
  ZBulkContainerRequest,
  ZContainerListQuery,
} from '@berth/shared';
import { Access } from '../auth/access.decorator.js';
import type { Caller } from './caller.js';
import { ContainerLifecycleService } from './container-lifecycle.service.js';
import { ContainerListService } from './container-list.service.js';
import { CurrentCaller } from './current-caller.decorator.js';

/** Containers across every host the caller may see. */
@Controller('containers')
@Access('user')
export class FleetContainersController {
  constructor(
    private readonly list: ContainerListService,
    private readonly lifecycle: ContainerLifecycleService,
  ) {}

  @Get()
  find(
    @Query({ schema: ZContainerListQuery }) query: TContainerListQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerListResponse> {
    return this.list.list(caller.principal.user, query);
  }

  @Post('bulk')
  @HttpCode(200)
  bulk(
    @Body({ schema: ZBulkContainerRequest }) body: TBulkContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TBulkContainerResponse> {
    return this.lifecycle.bulk(caller, body);
  }
}
