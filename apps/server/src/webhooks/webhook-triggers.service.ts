import { Injectable } from '@nestjs/common';
import type { TWebhookAnswer } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import { StackWebhooksService } from '../stacks/stack-webhooks.service.js';
import { ServiceWebhooksService } from '../swarm-stacks/service-webhooks.service.js';
import { ContainerWebhooksService } from './container-webhooks.service.js';
import type { WebhookCall } from './webhook-signature.js';

/** One public URL for every webhook: the token says whether a stack, a container or a service is meant. */
@Injectable()
export class WebhookTriggersService {
  constructor(
    private readonly stacks: StackWebhooksService,
    private readonly containers: ContainerWebhooksService,
    private readonly services: ServiceWebhooksService,
  ) {}

  async trigger(call: WebhookCall): Promise<TWebhookAnswer> {
    const answer =
      (await this.stacks.trigger(call)) ??
      (await this.containers.trigger(call)) ??
      (await this.services.trigger(call));
    if (!answer) throw AppError.notFound('webhook');
    return answer;
  }
}
