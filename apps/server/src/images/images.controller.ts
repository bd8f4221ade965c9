import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  ROUTES,
  type TImageInspect,
  type TImageLayer,
  type TPruneImagesRequest,
  type TPruneImagesResponse,
  type TPullImagesRequest,
  type TPullImagesResponse,
  type TPushImageRequest,
  type TPushImageResponse,
  type TRemoveImageQuery,
  type TRemoveImageResponse,
  type TTagImageRequest,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { ImageTransferService } from './image-transfer.service.js';
import { ImagesService } from './images.service.js';

/** Image operations on one host, and pulls to several hosts at once. */
@Controller()
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly transfer: ImageTransferService,
  ) {}

  @Route(ROUTES.pullImages)
  pull(
    @Body() body: TPullImagesRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TPullImagesResponse> {
    return this.transfer.pull(caller, body);
  }

  @Route(ROUTES.pushImage)
  push(
    @Param('hostId') hostId: string,
    @Body() body: TPushImageRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TPushImageResponse> {
    return this.transfer.push(caller, hostId, body);
  }

  @Route(ROUTES.pruneImages)
  prune(
    @Param('hostId') hostId: string,
    @Body() body: TPruneImagesRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TPruneImagesResponse> {
    return this.images.prune(caller, hostId, body);
  }

  @Route(ROUTES.inspectImage)
  inspect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TImageInspect> {
    return this.images.inspect(caller, hostId, id);
  }

  @Route(ROUTES.imageHistory)
  history(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TImageLayer[]> {
    return this.images.history(caller, hostId, id);
  }

  @Route(ROUTES.tagImage)
  tag(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TTagImageRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.images.tag(caller, hostId, id, body);
  }

  @Route(ROUTES.removeImage)
  remove(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: TRemoveImageQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TRemoveImageResponse> {
    return this.images.remove(caller, hostId, id, query);
  }
}
