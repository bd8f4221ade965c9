import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  type TCreateHostRequest,
  type THost,
  type THostTestResult,
  type TUpdateHostRequest,
  ZCreateHostRequest,
  ZUpdateHostRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { HostsService } from './hosts.service.js';

// Until per-host grants exist every host route is for global administrators.
@Controller('hosts')
@Access('admin')
export class HostsController {
  constructor(private readonly hosts: HostsService) {}

  @Get()
  list(): Promise<THost[]> {
    return this.hosts.list();
  }

  @Post()
  create(
    @Body({ schema: ZCreateHostRequest }) body: TCreateHostRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THost> {
    return this.hosts.create(body, principal, req);
  }

  @Post('test')
  @HttpCode(200)
  test(@Body({ schema: ZCreateHostRequest }) body: TCreateHostRequest): Promise<THostTestResult> {
    return this.hosts.test(body);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<THost> {
    return this.hosts.get(id);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body({ schema: ZUpdateHostRequest }) body: TUpdateHostRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<THost> {
    return this.hosts.update(id, body, principal, req);
  }

  @Post(':id/test')
  @HttpCode(200)
  testSaved(@Param('id') id: string): Promise<THostTestResult> {
    return this.hosts.testSaved(id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.hosts.remove(id, principal, req);
  }
}
