import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  type TContainerChange,
  type TContainerInspect,
  type TContainerTop,
  type TCreateContainerRequest,
  type TCreateContainerResponse,
  type TKillQuery,
  type TRecreateContainerRequest,
  type TRecreateContainerResponse,
  type TRemoveQuery,
  type TRenameContainerRequest,
  type TStopQuery,
  type TUpdateContainerRequest,
  type TUpdateContainerResponse,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from './caller.js';
import { ContainerCreateService } from './container-create.service.js';
import { ContainerLifecycleService } from './container-lifecycle.service.js';
import { ContainerRecreateService } from './container-recreate.service.js';
import { CurrentCaller } from './current-caller.decorator.js';

/** One host's containers; every route checks its own permission from the catalog. */
@Controller()
export class HostContainersController {
  constructor(
    private readonly lifecycle: ContainerLifecycleService,
    private readonly creator: ContainerCreateService,
    private readonly recreator: ContainerRecreateService,
  ) {}

  @Route(ROUTES.createContainer)
  create(
    @Param('hostId') hostId: string,
    @Body() body: TCreateContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TCreateContainerResponse> {
    return this.creator.create(caller, hostId, body);
  }

  @Route(ROUTES.inspectContainer)
  inspect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerInspect> {
    return this.lifecycle.inspect(caller, hostId, id);
  }

  @Route(ROUTES.containerTop)
  top(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerTop> {
    return this.lifecycle.top(caller, hostId, id);
  }

  @Route(ROUTES.containerChanges)
  changes(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerChange[]> {
    return this.lifecycle.changes(caller, hostId, id);
  }

  @Route(ROUTES.startContainer)
  start(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'start');
  }

  @Route(ROUTES.stopContainer)
  stop(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: TStopQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'stop', query);
  }

  @Route(ROUTES.restartContainer)
  restart(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: TStopQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'restart', query);
  }

  @Route(ROUTES.killContainer)
  kill(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: TKillQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'kill', query);
  }

  @Route(ROUTES.pauseContainer)
  pause(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'pause');
  }

  @Route(ROUTES.unpauseContainer)
  unpause(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'unpause');
  }

  @Route(ROUTES.removeContainer)
  remove(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: TRemoveQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.remove(caller, hostId, id, query);
  }

  @Route(ROUTES.renameContainer)
  rename(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TRenameContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.rename(caller, hostId, id, body);
  }

  @Route(ROUTES.updateContainer)
  update(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TUpdateContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TUpdateContainerResponse> {
    return this.lifecycle.update(caller, hostId, id, body);
  }

  @Route(ROUTES.recreateContainer)
  recreate(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TRecreateContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TRecreateContainerResponse> {
    return this.recreator.recreate(caller, hostId, id, body);
  }
}
