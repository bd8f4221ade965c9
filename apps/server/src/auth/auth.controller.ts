import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  type TLoginResponse,
  type TMeResponse,
  type TSetupStatus,
  ZLoginRequest,
  ZSetupRequest,
  type TLoginRequest,
  type TSetupRequest,
} from '@berth/shared';
import type { Request, Response } from 'express';
import { Access } from './access.decorator.js';
import { AuthService, type SignedIn, toUser } from './auth.service.js';
import { Authenticator } from './authenticator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly authenticator: Authenticator,
  ) {}

  @Get('setup')
  @Access('public')
  async setupStatus(): Promise<TSetupStatus> {
    return { needsSetup: await this.auth.needsSetup() };
  }

  @Post('setup')
  @Access('public')
  async setup(
    @Body({ schema: ZSetupRequest }) body: TSetupRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TLoginResponse> {
    return this.signIn(await this.auth.setup(body, req), req, res);
  }

  @Post('login')
  @HttpCode(200)
  @Access('public')
  async login(
    @Body({ schema: ZLoginRequest }) body: TLoginRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TLoginResponse> {
    return this.signIn(await this.auth.login(body, req), req, res);
  }

  @Post('logout')
  @HttpCode(204)
  @Access('user')
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(principal, req);
    res.setHeader('Set-Cookie', clearedSessionCookie(req.secure));
  }

  @Get('me')
  @Access('user')
  me(@CurrentPrincipal() principal: Principal): TMeResponse {
    return {
      user: toUser(principal.user),
      csrfToken: principal.kind === 'session' ? principal.csrfToken : '',
    };
  }

  private signIn(
    { sessionSecret, ...answer }: SignedIn,
    req: Request,
    res: Response,
  ): TLoginResponse {
    res.setHeader(
      'Set-Cookie',
      sessionCookie(sessionSecret, this.authenticator.sessionTtlMs, req.secure),
    );
    return answer;
  }
}
