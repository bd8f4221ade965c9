import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  type TCreateUserRequest,
  type TUpdateUserRequest,
  type TUserAccount,
  ZCreateUserRequest,
  ZUpdateUserRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { UsersService } from './users.service.js';

@Controller('users')
@Access('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(): Promise<TUserAccount[]> {
    return this.users.list();
  }

  @Post()
  create(
    @Body({ schema: ZCreateUserRequest }) body: TCreateUserRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TUserAccount> {
    return this.users.create(body, principal, req);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body({ schema: ZUpdateUserRequest }) body: TUpdateUserRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TUserAccount> {
    return this.users.update(id, body, principal, req);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.users.remove(id, principal, req);
  }
}
