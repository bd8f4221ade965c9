import { pipeline } from 'node:stream/promises';
import { Body, Controller, Param, Query, Res } from '@nestjs/common';
import {
  type TCreateVolumeRequest,
  type TCreateVolumeResponse,
  type TPruneQuery,
  type TPruneResponse,
  type TRemoveVolumeQuery,
  type TVolumeDetail,
  type TVolumeListing,
  type TVolumePathQuery,
  ROUTES,
} from '@berth/shared';
import type { Response } from 'express';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { VolumeCreateService } from './volume-create.service.js';
import { VolumesService } from './volumes.service.js';

/** One host's volumes; every route checks its own permission from the catalog. */
@Controller()
export class VolumesController {
  constructor(
    private readonly volumes: VolumesService,
    private readonly creator: VolumeCreateService,
  ) {}

  @Route(ROUTES.createVolume)
  create(
    @Param('hostId') hostId: string,
    @Body() body: TCreateVolumeRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TCreateVolumeResponse> {
    return this.creator.create(caller, hostId, body);
  }

  @Route(ROUTES.pruneVolumes)
  prune(
    @Param('hostId') hostId: string,
    @Query() query: TPruneQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TPruneResponse> {
    return this.volumes.prune(caller, hostId, query);
  }

  @Route(ROUTES.inspectVolume)
  inspect(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TVolumeDetail> {
    return this.volumes.inspect(caller, hostId, name);
  }

  @Route(ROUTES.removeVolume)
  remove(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Query() query: TRemoveVolumeQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.volumes.remove(caller, hostId, name, query);
  }

  @Route(ROUTES.listVolumeFiles)
  files(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Query() query: TVolumePathQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TVolumeListing> {
    return this.volumes.files(caller, hostId, name, query.path);
  }

  /** Streams the file or folder; the helper behind it goes when the stream ends or breaks. */
  @Route(ROUTES.downloadVolumeFile)
  async download(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Query() query: TVolumePathQuery,
    @CurrentCaller() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    const download = await this.volumes.download(caller, hostId, name, query.path);
    try {
      res.status(200);
      res.setHeader('content-type', download.contentType);
      res.setHeader(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(download.fileName)}`,
      );
      if (download.size !== null) res.setHeader('content-length', String(download.size));
      await pipeline(download.body, res);
    } catch {
      // The client went away or the engine broke off: the answer is already under way.
      res.destroy();
    } finally {
      await download.close();
    }
  }
}
