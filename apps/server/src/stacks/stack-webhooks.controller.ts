import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateStackWebhookRequest,
  type TStackWebhookList,
  type TStackWebhookTriggered,
  type TStackWebhookUrl,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { requestFacts } from '../audit/audit-context.js';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { StackWebhooksService } from './stack-webhooks.service.js';

/** Webhooks of stacks; managing them needs stack.deploy on the stack's host, calling them nothing. */
@Controller()
export class StackWebhooksController {
  constructor(private readonly webhooks: StackWebhooksService) {}

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
  trigger(@Param('token') token: string, @Req() req: Request): Promise<TStackWebhookTriggered> {
    const body: unknown = req.body;
    return this.webhooks.trigger({
      token,
      body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      hubSignature: req.get('x-hub-signature-256'),
      gitlabToken: req.get('x-gitlab-token'),
      facts: requestFacts(req),
    });
  }
}

/** Where this server was reached, as the client (or a trusted proxy) said. */
function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
