import { Body, Controller, Req } from '@nestjs/common';
import {
  type TTotpCodeRequest,
  type TTotpDisableRequest,
  type TTotpEnableResponse,
  type TTotpSetupResponse,
  type TTotpStatus,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { TotpService } from './totp.service.js';

@Controller()
export class TotpController {
  constructor(private readonly totp: TotpService) {}

  @Route(ROUTES.totpStatus)
  status(@CurrentPrincipal() principal: Principal): Promise<TTotpStatus> {
    return this.totp.status(principal);
  }

  @Route(ROUTES.setupTotp)
  setup(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TTotpSetupResponse> {
    return this.totp.setup(principal, req);
  }

  @Route(ROUTES.enableTotp)
  enable(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TTotpCodeRequest,
    @Req() req: Request,
  ): Promise<TTotpEnableResponse> {
    return this.totp.enable(principal, body.code, req);
  }

  @Route(ROUTES.disableTotp)
  disable(
    @CurrentPrincipal() principal: Principal,
    @Body() body: TTotpDisableRequest,
    @Req() req: Request,
  ): Promise<void> {
    return this.totp.disable(principal, body, req);
  }
}
