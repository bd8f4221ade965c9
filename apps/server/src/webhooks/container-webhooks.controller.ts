import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TContainerWebhookList,
  type TCreateContainerWebhookRequest,
  type TStackWebhookUrl,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { ContainerWebhooksService } from './container-webhooks.service.js';
import { baseOf } from './request-base.js';

/** Webhooks of single containers: container.create on the host, the container within reach. */
@Controller()
export class ContainerWebhooksController {
  constructor(private readonly webhooks: ContainerWebhooksService) {}

  @Route(ROUTES.createContainerWebhook)
  create(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TCreateContainerWebhookRequest,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<TStackWebhookUrl> {
    return this.webhooks.create(caller, hostId, id, body, baseOf(req));
  }

  @Route(ROUTES.listContainerWebhooks)
  list(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TContainerWebhookList> {
    return this.webhooks.list(caller, hostId, id);
  }

  @Route(ROUTES.rotateContainerWebhook)
  rotate(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Param('webhookId') webhookId: string,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<TStackWebhookUrl> {
    return this.webhooks.rotate(caller, hostId, id, webhookId, baseOf(req));
  }

  @Route(ROUTES.revokeContainerWebhook)
  revoke(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Param('webhookId') webhookId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.webhooks.revoke(caller, hostId, id, webhookId);
  }
}
