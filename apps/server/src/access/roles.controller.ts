import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateRoleRequest,
  type TPermissionInfo,
  type TRole,
  type TUpdateRoleRequest,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RolesService } from './roles.service.js';

@Controller()
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Route(ROUTES.listPermissions)
  permissions(): TPermissionInfo[] {
    return this.roles.permissions();
  }

  @Route(ROUTES.listRoles)
  list(): Promise<TRole[]> {
    return this.roles.list();
  }

  @Route(ROUTES.createRole)
  create(
    @Body() body: TCreateRoleRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRole> {
    return this.roles.create(body, principal, req);
  }

  @Route(ROUTES.updateRole)
  update(
    @Param('id') id: string,
    @Body() body: TUpdateRoleRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRole> {
    return this.roles.update(id, body, principal, req);
  }

  @Route(ROUTES.removeRole)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.roles.remove(id, principal, req);
  }
}
