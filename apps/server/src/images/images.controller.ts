import { pipeline } from 'node:stream/promises';
import { Body, Controller, Param, Query, Req, Res } from '@nestjs/common';
import {
  ROUTES,
  type TBuildFromGitRequest,
  type TBuildImageResponse,
  type TLoadImagesResponse,
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
  type TSaveImagesQuery,
  type TTagImageRequest,
} from '@berth/shared';
import type { Request, Response } from 'express';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { ImageBuildService } from './image-build.service.js';
import { ImageLoadService } from './image-load.service.js';
import { ImageTransferService } from './image-transfer.service.js';
import { ImagesService } from './images.service.js';

/** Image operations on one host, and pulls to several hosts at once. */
@Controller()
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly transfer: ImageTransferService,
    private readonly builder: ImageBuildService,
    private readonly loader: ImageLoadService,
  ) {}

  /** The multipart upload is read by the service, not by a body parser. */
  @Route(ROUTES.buildImage)
  build(
    @Param('hostId') hostId: string,
    @Req() req: Request,
    @CurrentCaller() caller: Caller,
  ): Promise<TBuildImageResponse> {
    return this.builder.fromUpload(caller, hostId, req);
  }

  @Route(ROUTES.buildImageFromGit)
  buildFromGit(
    @Param('hostId') hostId: string,
    @Body() body: TBuildFromGitRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TBuildImageResponse> {
    return this.builder.fromGit(caller, hostId, body);
  }

  /** The archive is the request body, streamed to the engine as it arrives. */
  @Route(ROUTES.loadImages)
  load(
    @Param('hostId') hostId: string,
    @Req() req: Request,
    @CurrentCaller() caller: Caller,
  ): Promise<TLoadImagesResponse> {
    return this.loader.load(caller, hostId, req);
  }

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

  /** Declared before inspect: `save` would otherwise be read as an image id. */
  @Route(ROUTES.saveImages)
  async save(
    @Param('hostId') hostId: string,
    @Query() query: TSaveImagesQuery,
    @CurrentCaller() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    const archive = await this.images.save(caller, hostId, query.names);
    const name = query.names.length === 1 ? query.names[0]!.replace(/[^\w.-]+/g, '_') : 'images';
    try {
      res.status(200);
      res.setHeader('content-type', 'application/x-tar');
      res.setHeader('content-disposition', `attachment; filename="${name}.tar"`);
      await pipeline(archive, res);
    } catch {
      // The client went away or the engine broke off: the answer is already under way.
      archive.destroy();
      res.destroy();
    }
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
