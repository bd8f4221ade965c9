import { Body, Controller, Param, Req } from '@nestjs/common';
import { type THostPolicy, type THostPolicyInput, ROUTES } from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { HostPolicyService } from './host-policy.service.js';

/** Signed-in users reach it; the service admits global administrators and `host.manage`. */
@Controller()
export class HostPolicyController {
  constructor(private readonly policies: HostPolicyService) {}

  @Route(ROUTES.getHostPolicy)
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<THostPolicy> {
    return this.policies.get(id, principal);
  }

  @Route(ROUTES.setHostPolicy)
  put(
    @Param('id') id: string,
    @Body() body: THostPolicyInput,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THostPolicy> {
    return this.policies.put(id, body, principal, req);
  }
}
