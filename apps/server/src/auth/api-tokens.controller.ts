import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  type TApiToken,
  type TCreateTokenRequest,
  type TCreateTokenResponse,
  ZCreateTokenRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from './access.decorator.js';
import { ApiTokensService } from './api-tokens.service.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';

@Controller('tokens')
@Access('user')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<TApiToken[]> {
    return this.tokens.list(principal);
  }

  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: ZCreateTokenRequest }) body: TCreateTokenRequest,
    @Req() req: Request,
  ): Promise<TCreateTokenResponse> {
    return this.tokens.create(principal, body, req);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<void> {
    return this.tokens.revoke(principal, id, req);
  }
}
