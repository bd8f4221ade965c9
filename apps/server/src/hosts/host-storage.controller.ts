import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  ROUTES,
  type TDiskUsage,
  type THostStorage,
  type TSystemPrunePreview,
  type TSystemPrunePreviewQuery,
  type TSystemPruneRequest,
  type TSystemPruneResponse,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { HostStorageService } from './host-storage.service.js';

/** A host's storage driver, disk usage and host-wide prune. */
@Controller()
export class HostStorageController {
  constructor(private readonly storage: HostStorageService) {}

  @Route(ROUTES.hostStorage)
  info(@Param('hostId') hostId: string, @CurrentCaller() caller: Caller): Promise<THostStorage> {
    return this.storage.storage(caller, hostId);
  }

  @Route(ROUTES.hostDiskUsage)
  diskUsage(@Param('hostId') hostId: string, @CurrentCaller() caller: Caller): Promise<TDiskUsage> {
    return this.storage.diskUsage(caller, hostId);
  }

  @Route(ROUTES.previewSystemPrune)
  preview(
    @Param('hostId') hostId: string,
    @Query() query: TSystemPrunePreviewQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TSystemPrunePreview> {
    return this.storage.preview(caller, hostId, query);
  }

  @Route(ROUTES.systemPrune)
  prune(
    @Param('hostId') hostId: string,
    @Body() body: TSystemPruneRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TSystemPruneResponse> {
    return this.storage.prune(caller, hostId, body);
  }
}
