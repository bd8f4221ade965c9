import { Controller, Query } from '@nestjs/common';
import {
  ROUTES,
  type TImageListQuery,
  type TImageListResponse,
  type TNetworkListQuery,
  type TNetworkListResponse,
  type TVolumeListQuery,
  type TVolumeListResponse,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { ResourceListService } from './resource-list.service.js';

/** Images, networks and volumes across every host the caller may list them on. */
@Controller()
export class ResourceListsController {
  constructor(private readonly lists: ResourceListService) {}

  @Route(ROUTES.listImages)
  images(
    @Query() query: TImageListQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TImageListResponse> {
    return this.lists.images(caller.principal.user, query);
  }

  @Route(ROUTES.listNetworks)
  networks(
    @Query() query: TNetworkListQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TNetworkListResponse> {
    return this.lists.networks(caller.principal.user, query);
  }

  @Route(ROUTES.listVolumes)
  volumes(
    @Query() query: TVolumeListQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TVolumeListResponse> {
    return this.lists.volumes(caller.principal.user, query);
  }
}
