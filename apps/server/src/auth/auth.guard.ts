import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRoute } from '@berth/shared';
import type { Request } from 'express';
import { AppError } from '../common/app-error.js';
import { ROUTE_KEY } from '../common/route.decorator.js';
import { ACCESS_KEY, type Access } from './access.decorator.js';
import { Authenticator } from './authenticator.js';
import type { Principal, RequestWithPrincipal } from './principal.js';
import { type RequestWithGrant, RoutePermission } from './route-permission.js';
import { safeEqual } from './secrets.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs before every REST route: who is calling, CSRF for cookie sessions, the route's access, and
 * the catalog permission its contract route declares on the host it names.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly permission: RoutePermission,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    const req = context
      .switchToHttp()
      .getRequest<Request & RequestWithPrincipal & RequestWithGrant>();
    const principal = await this.authenticator.authenticate(req);
    if (principal) req.principal = principal;
    if (access === 'public') return true;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'sign in or send an API token');
    checkCsrf(principal, req);
    if (access === 'admin' && !principal.user.isAdmin) {
      throw new AppError('FORBIDDEN', 'requires the global administrator role', {
        missing: 'admin',
      });
    }
    const route = this.reflector.get<ApiRoute | undefined>(ROUTE_KEY, context.getHandler());
    if (route) await this.permission.check(route, principal, req);
    return true;
  }
}

/** Cookie-authenticated changes must echo the session's CSRF token; bearer tokens need none. */
export function checkCsrf(principal: Principal, req: Request): void {
  if (principal.kind !== 'session' || SAFE_METHODS.has(req.method)) return;
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !safeEqual(sent, principal.csrfToken)) {
    throw new AppError('CSRF_FAILED', 'missing or wrong X-CSRF-Token header');
  }
}
