import { Body, Controller, Param, Query, Req } from '@nestjs/common';
import { type TCreateGrantRequest, type TGrant, type TGrantQuery, ROUTES } from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { GrantsService } from './grants.service.js';

@Controller()
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Route(ROUTES.listGrants)
  list(@Query() query: TGrantQuery): Promise<TGrant[]> {
    return this.grants.list(query);
  }

  @Route(ROUTES.createGrant)
  create(
    @Body() body: TCreateGrantRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TGrant> {
    return this.grants.create(body, principal, req);
  }

  @Route(ROUTES.removeGrant)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.grants.remove(id, principal, req);
  }
}
