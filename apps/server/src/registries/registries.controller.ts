import { Body, Controller, Param, Query, Req } from '@nestjs/common';
import {
  type TCreateRegistryRequest,
  type TRegistry,
  type TRegistryAccess,
  type TRegistryTestResult,
  type TRepositoryPage,
  type TTagList,
  type TTagManifest,
  type TUpdateRegistryRequest,
  type TUsableRegistry,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { RegistriesService } from './registries.service.js';
import { RegistryBrowser } from './registry-browser.js';
import { RegistryCredentialsService } from './registry-credentials.js';

@Controller()
export class RegistriesController {
  constructor(
    private readonly registries: RegistriesService,
    private readonly browser: RegistryBrowser,
    private readonly credentials: RegistryCredentialsService,
  ) {}

  @Route(ROUTES.listRegistries)
  list(): Promise<TRegistry[]> {
    return this.registries.list();
  }

  @Route(ROUTES.listUsableRegistries)
  usable(
    @Param('hostId') hostId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TUsableRegistry[]> {
    return this.credentials.usableOn(principal.user, hostId);
  }

  @Route(ROUTES.createRegistry)
  create(
    @Body() body: TCreateRegistryRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRegistry> {
    return this.registries.create(body, principal, req);
  }

  @Route(ROUTES.testNewRegistry)
  testNew(@Body() body: TCreateRegistryRequest): Promise<TRegistryTestResult> {
    return this.browser.testNew(body);
  }

  @Route(ROUTES.testRegistry)
  test(@Param('id') id: string): Promise<TRegistryTestResult> {
    return this.browser.testStored(id);
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

  @Route(ROUTES.setRegistryAccess)
  setAccess(
    @Param('id') id: string,
    @Body() body: TRegistryAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TRegistry> {
    return this.registries.setAccess(id, body, principal, req);
  }

  @Route(ROUTES.listRegistryRepositories)
  repositories(
    @Param('id') id: string,
    @Query() query: { cursor?: string },
  ): Promise<TRepositoryPage> {
    return this.browser.repositories(id, query.cursor);
  }

  @Route(ROUTES.listRegistryTags)
  tags(@Param('id') id: string, @Param('name') name: string): Promise<TTagList> {
    return this.browser.tags(id, name);
  }

  @Route(ROUTES.inspectRegistryTag)
  manifest(
    @Param('id') id: string,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ): Promise<TTagManifest> {
    return this.browser.manifest(id, name, tag);
  }

  @Route(ROUTES.deleteRegistryTag)
  deleteTag(
    @Param('id') id: string,
    @Param('name') name: string,
    @Param('tag') tag: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.browser.deleteTag(id, name, tag, principal, req);
  }
}
