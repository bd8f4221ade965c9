import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateUserRequest,
  type TUpdateUserRequest,
  type TUserAccount,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { UsersService } from './users.service.js';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Route(ROUTES.listUsers)
  list(): Promise<TUserAccount[]> {
    return this.users.list();
  }

  @Route(ROUTES.createUser)
  create(
    @Body() body: TCreateUserRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TUserAccount> {
    return this.users.create(body, principal, req);
  }

  @Route(ROUTES.updateUser)
  update(
    @Param('id') id: string,
    @Body() body: TUpdateUserRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TUserAccount> {
    return this.users.update(id, body, principal, req);
  }

  @Route(ROUTES.removeUser)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.users.remove(id, principal, req);
  }
}
