import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TCreateHostRequest,
  type THost,
  type THostTestResult,
  type TUpdateHostRequest,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { HostsService } from './hosts.service.js';

// Until per-host grants exist every host route is for global administrators.
@Controller()
export class HostsController {
  constructor(private readonly hosts: HostsService) {}

  @Route(ROUTES.listHosts)
  list(): Promise<THost[]> {
    return this.hosts.list();
  }

  @Route(ROUTES.createHost)
  create(
    @Body() body: TCreateHostRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THost> {
    return this.hosts.create(body, principal, req);
  }

  @Route(ROUTES.testNewHost)
  test(@Body() body: TCreateHostRequest): Promise<THostTestResult> {
    return this.hosts.test(body);
  }

  @Route(ROUTES.getHost)
  get(@Param('id') id: string): Promise<THost> {
    return this.hosts.get(id);
  }

  @Route(ROUTES.updateHost)
  update(
    @Param('id') id: string,
    @Body() body: TUpdateHostRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THost> {
    return this.hosts.update(id, body, principal, req);
  }

  @Route(ROUTES.testHost)
  testSaved(@Param('id') id: string): Promise<THostTestResult> {
    return this.hosts.testSaved(id);
  }

  @Route(ROUTES.testHostChanges)
  testChanges(@Param('id') id: string, @Body() body: TUpdateHostRequest): Promise<THostTestResult> {
    return this.hosts.testChanges(id, body);
  }

  @Route(ROUTES.removeHost)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.hosts.remove(id, principal, req);
  }
}
