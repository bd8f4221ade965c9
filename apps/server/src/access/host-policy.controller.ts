import { Body, Controller, Get, Param, Put, Req } from '@nestjs/common';
import { type THostPolicy, type THostPolicyInput, ZHostPolicy } from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { HostPolicyService } from './host-policy.service.js';

/** Signed-in users reach it; the service admits global administrators and `host.manage`. */
@Controller('hosts/:id/policy')
@Access('user')
export class HostPolicyController {
  constructor(private readonly policies: HostPolicyService) {}

  @Get()
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<THostPolicy> {
    return this.policies.get(id, principal);
  }

  @Put()
  put(
    @Param('id') id: string,
    @Body({ schema: ZHostPolicy }) body: THostPolicyInput,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THostPolicy> {
    return this.policies.put(id, body, principal, req);
  }
}
