import { Body, Controller, Param, Req } from '@nestjs/common';
import { type THostPolicy, type THostPolicyInput, ROUTES } from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { HostPolicyService } from './host-policy.service.js';

/** Global administrators and holders of `host.manage` on the host (the routes' permission). */
@Controller()
export class HostPolicyController {
  constructor(private readonly policies: HostPolicyService) {}

  @Route(ROUTES.getHostPolicy)
  get(@Param('hostId') hostId: string): Promise<THostPolicy> {
    return this.policies.get(hostId);
  }

  @Route(ROUTES.setHostPolicy)
  put(
    @Param('hostId') hostId: string,
    @Body() body: THostPolicyInput,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THostPolicy> {
    return this.policies.put(hostId, body, principal, req);
  }
}
