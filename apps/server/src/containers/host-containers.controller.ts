import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
  ZCreateContainerRequest,
  ZKillQuery,
  ZRecreateContainerRequest,
  ZRemoveQuery,
  ZRenameContainerRequest,
  ZStopQuery,
  ZUpdateContainerRequest,
} from '@berth/shared';
import { Access } from '../auth/access.decorator.js';
import type { Caller } from './caller.js';
import { ContainerCreateService } from './container-create.service.js';
import { ContainerLifecycleService } from './container-lifecycle.service.js';
import { ContainerRecreateService } from './container-recreate.service.js';
import { CurrentCaller } from './current-caller.decorator.js';

/** One host's containers; every route checks its own permission from the catalog. */
@Controller('hosts/:hostId/containers')
@Access('user')
export class HostContainersController {
  constructor(
    private readonly lifecycle: ContainerLifecycleService,
    private readonly creator: ContainerCreateService,
    private readonly recreator: ContainerRecreateService,
  ) {}

  @Post()
  create(
    @Param('hostId') hostId: string,
    @Body({ schema: ZCreateContainerRequest }) body: TCreateContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TCreateContainerResponse> {
    return this.creator.create(caller, hostId, body);
  }

  @Get(':id/json')
  inspect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerInspect> {
    return this.lifecycle.inspect(caller, hostId, id);
  }

  @Get(':id/top')
  top(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerTop> {
    return this.lifecycle.top(caller, hostId, id);
  }

  @Get(':id/changes')
  changes(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerChange[]> {
    return this.lifecycle.changes(caller, hostId, id);
  }

  @Post(':id/start')
  @HttpCode(204)
  start(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'start');
  }

  @Post(':id/stop')
  @HttpCode(204)
  stop(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query({ schema: ZStopQuery }) query: TStopQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'stop', query);
  }

  @Post(':id/restart')
  @HttpCode(204)
  restart(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query({ schema: ZStopQuery }) query: TStopQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'restart', query);
  }

  @Post(':id/kill')
  @HttpCode(204)
  kill(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query({ schema: ZKillQuery }) query: TKillQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'kill', query);
  }

  @Post(':id/pause')
  @HttpCode(204)
  pause(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'pause');
  }

  @Post(':id/unpause')
  @HttpCode(204)
  unpause(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.act(caller, hostId, id, 'unpause');
  }

  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query({ schema: ZRemoveQuery }) query: TRemoveQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.remove(caller, hostId, id, query);
  }

  @Post(':id/rename')
  @HttpCode(204)
  rename(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body({ schema: ZRenameContainerRequest }) body: TRenameContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.lifecycle.rename(caller, hostId, id, body);
  }

  @Post(':id/update')
  @HttpCode(200)
  update(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body({ schema: ZUpdateContainerRequest }) body: TUpdateContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TUpdateContainerResponse> {
    return this.lifecycle.update(caller, hostId, id, body);
  }

  @Post(':id/recreate')
  @HttpCode(200)
  recreate(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body({ schema: ZRecreateContainerRequest }) body: TRecreateContainerRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TRecreateContainerResponse> {
    return this.recreator.recreate(caller, hostId, id, body);
  }
}
