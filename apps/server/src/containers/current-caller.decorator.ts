import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestWithPrincipal } from '../auth/principal.js';
import { grantOf } from '../auth/route-permission.js';
import { AppError } from '../common/app-error.js';
import { type Caller, callerOf } from './caller.js';

/** The authenticated caller with the request facts audit records carry and its route's grant. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<RequestWithPrincipal>();
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'sign in or send an API token');
  return { ...callerOf(req.principal, req), grant: grantOf(req) };
});
