import { Controller, Param, Req } from '@nestjs/common';
import { ROUTES, type TSession } from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Route(ROUTES.listSessions)
  list(@CurrentPrincipal() principal: Principal): Promise<TSession[]> {
    return this.sessions.list(principal);
  }

  @Route(ROUTES.endSession)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<void> {
    return this.sessions.revoke(principal, id, req);
  }
}
