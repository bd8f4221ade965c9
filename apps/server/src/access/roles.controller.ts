import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  type TCreateRoleRequest,
  type TPermissionInfo,
  type TRole,
  type TUpdateRoleRequest,
  ZCreateRoleRequest,
  ZUpdateRoleRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RolesService } from './roles.service.js';

@Controller()
@Access('admin')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get('permissions')
  @Access('user')
  permissions(): TPermissionInfo[] {
    return this.roles.permissions();
  }

  @Get('roles')
  list(): Promise<TRole[]> {
    return this.roles.list();
  }

  @Post('roles')
  create(
    @Body({ schema: ZCreateRoleRequest }) body: TCreateRoleRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRole> {
    return this.roles.create(body, principal, req);
  }

  @Patch('roles/:id')
  update(
    @Param('id') id: string,
    @Body({ schema: ZUpdateRoleRequest }) body: TUpdateRoleRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRole> {
    return this.roles.update(id, body, principal, req);
  }

  @Delete('roles/:id')
  @HttpCode(204)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.roles.remove(id, principal, req);
  }
}
