import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../common/app-error.js';
import { ACCESS_KEY, type Access } from './access.decorator.js';
import { Authenticator } from './authenticator.js';
import type { Principal, RequestWithPrincipal } from './principal.js';
import { safeEqual } from './secrets.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Runs before every REST route: who is calling, CSRF for cookie sessions, and the route's access. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    const req = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
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
