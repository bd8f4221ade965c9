import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  ROUTES,
  type TUpdateCheckRequest,
  type TUpdateList,
  type TUpdateListQuery,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { UpdatesService } from './updates.service.js';

/** Image update detection: the last results across the fleet, and a check of one host now. */
@Controller()
export class UpdatesController {
  constructor(private readonly updates: UpdatesService) {}

  @Route(ROUTES.listUpdates)
  list(@Query() query: TUpdateListQuery, @CurrentCaller() caller: Caller): Promise<TUpdateList> {
    return this.updates.list(caller.principal.user, query.hostId);
  }

  @Route(ROUTES.checkUpdates)
  check(
    @Param('hostId') hostId: string,
    @Body() body: TUpdateCheckRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TUpdateList> {
    return this.updates.check(caller, hostId, body);
  }
}
