import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateRegistryRequest,
  type TRegistry,
  type TUpdateRegistryRequest,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RegistriesService } from './registries.service.js';

@Controller()
export class RegistriesController {
  constructor(private readonly registries: RegistriesService) {}

  @Route(ROUTES.listRegistries)
  list(): Promise<TRegistry[]> {
    return this.registries.list();
  }

  @Route(ROUTES.createRegistry)
  create(
    @Body() body: TCreateRegistryRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRegistry> {
    return this.registries.create(body, principal, req);
  }

  @Route(ROUTES.updateRegistry)
  update(
    @Param('id') id: string,
    @Body() body: TUpdateRegistryRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRegistry> {
    return this.registries.update(id, body, principal, req);
  }

  @Route(ROUTES.removeRegistry)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.registries.remove(id, principal, req);
  }
}
