import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  type TCreateGrantRequest,
  type TGrant,
  type TGrantQuery,
  ZCreateGrantRequest,
  ZGrantQuery,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { GrantsService } from './grants.service.js';

@Controller('grants')
@Access('admin')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Get()
  list(@Query({ schema: ZGrantQuery }) query: TGrantQuery): Promise<TGrant[]> {
    return this.grants.list(query);
  }

  @Post()
  create(
    @Body({ schema: ZCreateGrantRequest }) body: TCreateGrantRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TGrant> {
    return this.grants.create(body, principal, req);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.grants.remove(id, principal, req);
  }
}
