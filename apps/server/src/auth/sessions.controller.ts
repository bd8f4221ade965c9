import { Controller, Delete, Get, HttpCode, Param, Req } from '@nestjs/common';
import type { TSession } from '@berth/shared';
import type { Request } from 'express';
import { Access } from './access.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { SessionsService } from './sessions.service.js';

@Controller('auth/sessions')
@Access('user')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<TSession[]> {
    return this.sessions.list(principal);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<void> {
    return this.sessions.revoke(principal, id, req);
  }
}
