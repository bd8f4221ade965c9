import { pipeline } from 'node:stream/promises';
import { Controller, Param, Query, Res } from '@nestjs/common';
import { type TContainerLogsQuery, ROUTES } from '@berth/shared';
import type { Response } from 'express';
import { Route } from '../common/route.decorator.js';
import type { Caller } from './caller.js';
import { ContainerLogDownload } from './container-log-download.js';
import { CurrentCaller } from './current-caller.decorator.js';

/** A container's logs as a file download (live logs go over socket.io). */
@Controller()
export class ContainerLogsController {
  constructor(private readonly logs: ContainerLogDownload) {}

  @Route(ROUTES.downloadContainerLogs)
  async download(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: TContainerLogsQuery,
    @CurrentCaller() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    const download = await this.logs.open(caller, hostId, id, query);
    res.status(200);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader(
      'content-disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(download.fileName)}`,
    );
    try {
      await pipeline(download.body, res);
    } catch {
      // The client went away or the engine broke off: the answer is already under way.
      res.destroy();
    }
  }
}
