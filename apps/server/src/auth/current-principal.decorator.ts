import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { Principal, RequestWithPrincipal } from './principal.js';

/** The authenticated caller; only on routes whose access is `user` or `admin`. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => {
    const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'sign in or send an API token');
    return principal;
  },
);
