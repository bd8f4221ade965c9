import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  type TCreateRegistryRequest,
  type TRegistry,
  type TUpdateRegistryRequest,
  ZCreateRegistryRequest,
  ZUpdateRegistryRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RegistriesService } from './registries.service.js';

@Controller('registries')
@Access('admin')
export class RegistriesController {
  constructor(private readonly registries: RegistriesService) {}

  @Get()
  list(): Promise<TRegistry[]> {
    return this.registries.list();
  }

  @Post()
  create(
    @Body({ schema: ZCreateRegistryRequest }) body: TCreateRegistryRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRegistry> {
    return this.registries.create(body, principal, req);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body({ schema: ZUpdateRegistryRequest }) body: TUpdateRegistryRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRegistry> {
    return this.registries.update(id, body, principal, req);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.registries.remove(id, principal, req);
  }
}
