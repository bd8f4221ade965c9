import { Body, Controller, Req, Res } from '@nestjs/common';
import {
  type TLoginResponse,
  type TMeResponse,
  type TSetupStatus,
  type TLoginRequest,
  type TSetupRequest,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Request, Response } from 'express';

import { AuthService, type SignedIn, toUser } from './auth.service.js';
import { Authenticator } from './authenticator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly authenticator: Authenticator,
  ) {}

  @Route(ROUTES.setupStatus)
  async setupStatus(): Promise<TSetupStatus> {
    return { needsSetup: await this.auth.needsSetup() };
  }

  @Route(ROUTES.setup)
  async setup(
    @Body() body: TSetupRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TLoginResponse> {
    return this.signIn(await this.auth.setup(body, req), req, res);
  }

  @Route(ROUTES.login)
  async login(
    @Body() body: TLoginRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TLoginResponse> {
    return this.signIn(await this.auth.login(body, req), req, res);
  }

  @Route(ROUTES.logout)
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(principal, req);
    res.setHeader('Set-Cookie', clearedSessionCookie(req.secure));
  }

  @Route(ROUTES.me)
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
