import { Controller, Query } from '@nestjs/common';
import { type TUserName, type TUserNamesQuery, ROUTES } from '@berth/shared';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Route } from '../common/route.decorator.js';
import { UserNames } from './user-names.js';

/** Names for owner labels, for any signed-in user (limited to whom they already know). */
@Controller()
export class UserNamesController {
  constructor(private readonly names: UserNames) {}

  @Route(ROUTES.userNames)
  list(
    @Query() query: TUserNamesQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TUserName[]> {
    return this.names.of(principal.user, query.ids);
  }
}
