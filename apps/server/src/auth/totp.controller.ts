import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  type TTotpCodeRequest,
  type TTotpSetupResponse,
  type TTotpStatus,
  ZTotpCodeRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from './access.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { TotpService } from './totp.service.js';

@Controller('auth/totp')
@Access('user')
export class TotpController {
  constructor(private readonly totp: TotpService) {}

  @Get()
  status(@CurrentPrincipal() principal: Principal): Promise<TTotpStatus> {
    return this.totp.status(principal);
  }

  @Post('setup')
  @HttpCode(200)
  setup(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TTotpSetupResponse> {
    return this.totp.setup(principal, req);
  }

  @Post('enable')
  @HttpCode(204)
  enable(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: ZTotpCodeRequest }) body: TTotpCodeRequest,
    @Req() req: Request,
  ): Promise<void> {
    return this.totp.enable(principal, body.code, req);
  }

  @Post('disable')
  @HttpCode(204)
  disable(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: ZTotpCodeRequest }) body: TTotpCodeRequest,
    @Req() req: Request,
  ): Promise<void> {
    return this.totp.disable(principal, body.code, req);
  }
}
