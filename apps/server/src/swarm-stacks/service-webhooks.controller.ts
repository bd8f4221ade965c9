import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateServiceWebhookRequest,
  type TServiceWebhookList,
  type TStackWebhookUrl,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { baseOf } from '../webhooks/request-base.js';
import { ServiceWebhooksService } from './service-webhooks.service.js';

/** Webhooks of swarm services: swarm.manage on the manager host. */
@Controller()
export class ServiceWebhooksController {
  constructor(private readonly webhooks: ServiceWebhooksService) {}

  @Route(ROUTES.createServiceWebhook)
  create(
    @Param('hostId') hostId: string,
    @Param('service') service: string,
    @Body() body: TCreateServiceWebhookRequest,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<TStackWebhookUrl> {
    return this.webhooks.create(caller, hostId, service, body, baseOf(req));
  }

  @Route(ROUTES.listServiceWebhooks)
  list(
    @Param('hostId') hostId: string,
    @Param('service') service: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TServiceWebhookList> {
    return this.webhooks.list(caller, hostId, service);
  }

  @Route(ROUTES.rotateServiceWebhook)
  rotate(
    @Param('hostId') hostId: string,
    @Param('service') service: string,
    @Param('webhookId') webhookId: string,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<TStackWebhookUrl> {
    return this.webhooks.rotate(caller, hostId, service, webhookId, baseOf(req));
  }

  @Route(ROUTES.revokeServiceWebhook)
  revoke(
    @Param('hostId') hostId: string,
    @Param('service') service: string,
    @Param('webhookId') webhookId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.webhooks.revoke(caller, hostId, service, webhookId);
  }
}
