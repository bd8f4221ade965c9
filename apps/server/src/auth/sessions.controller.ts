import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  ROUTES,
  type TChangePasswordRequest,
  type TEndedSessions,
  type TSession,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { PasswordChangeService } from './password-change.service.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordChangeService,
  ) {}

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

  @Route(ROUTES.endOtherSessions)
  revokeOthers(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TEndedSessions> {
    return this.sessions.revokeOthers(principal, req);
  }

  @Route(ROUTES.changePassword)
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TChangePasswordRequest,
    @Req() req: Request,
  ): Promise<void> {
    return this.passwords.change(principal, body, req);
  }
}
