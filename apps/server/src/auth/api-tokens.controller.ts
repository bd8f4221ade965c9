import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TApiToken,
  type TCreateTokenRequest,
  type TCreateTokenResponse,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { ApiTokensService } from './api-tokens.service.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';

@Controller()
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Route(ROUTES.listTokens)
  list(@CurrentPrincipal() principal: Principal): Promise<TApiToken[]> {
    return this.tokens.list(principal);
  }

  @Route(ROUTES.createToken)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TCreateTokenRequest,
    @Req() req: Request,
  ): Promise<TCreateTokenResponse> {
    return this.tokens.create(principal, body, req);
  }

  @Route(ROUTES.revokeToken)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<void> {
    return this.tokens.revoke(principal, id, req);
  }
}
