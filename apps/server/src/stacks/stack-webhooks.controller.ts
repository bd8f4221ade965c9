import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateStackWebhookRequest,
  type TStackWebhookList,
  type TStackWebhookUrl,
  type TWebhookAnswer,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { requestFacts } from '../audit/audit-context.js';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { baseOf } from '../webhooks/request-base.js';
import { WebhookTriggersService } from '../webhooks/webhook-triggers.service.js';
import { StackWebhooksService } from './stack-webhooks.service.js';

/**
 * Webhooks of stacks; managing them needs stack.deploy on the stack's host. The public URL of every
 * webhook (stack or container) is served here.
 */
@Controller()
export class StackWebhooksController {
  constructor(
    private readonly webhooks: StackWebhooksService,
    private readonly triggers: WebhookTriggersService,
  ) {}

  @Route(ROUTES.createStackWebhook)
  create(
    @Param('id') id: string,
    @Body() body: TCreateStackWebhookRequest,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<TStackWebhookUrl> {
    return this.webhooks.create(caller, id, body, baseOf(req));
  }

  @Route(ROUTES.listStackWebhooks)
  list(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStackWebhookList> {
    return this.webhooks.list(caller, id);
  }

  @Route(ROUTES.rotateStackWebhook)
  rotate(
    @Param('id') id: string,
    @Param('webhookId') webhookId: string,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<TStackWebhookUrl> {
    return this.webhooks.rotate(caller, id, webhookId, baseOf(req));
  }

  @Route(ROUTES.revokeStackWebhook)
  revoke(
    @Param('id') id: string,
    @Param('webhookId') webhookId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.webhooks.revoke(caller, id, webhookId);
  }

  /** The body is the raw bytes (`express.raw` for this path in bootstrap), as signed. */
  @Route(ROUTES.triggerStackWebhook)
  trigger(@Param('token') token: string, @Req() req: Request): Promise<TWebhookAnswer> {
    const body: unknown = req.body;
    return this.triggers.trigger({
      token,
      body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      hubSignature: req.get('x-hub-signature-256'),
      gitlabToken: req.get('x-gitlab-token'),
      event: req.get('x-github-event'),
      gitlabEvent: req.get('x-gitlab-event'),
      giteaEvent: req.get('x-gitea-event'),
      contentType: req.get('content-type'),
      facts: requestFacts(req),
    });
  }
}
