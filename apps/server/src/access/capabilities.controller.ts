import { Controller, Get } from '@nestjs/common';
import type { TCapabilities } from '@berth/shared';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { CapabilitiesService } from './capabilities.service.js';

@Controller('me/capabilities')
@Access('user')
export class CapabilitiesController {
  constructor(private readonly capabilities: CapabilitiesService) {}

  @Get()
  get(@CurrentPrincipal() principal: Principal): Promise<TCapabilities> {
    return this.capabilities.of(principal.user);
  }
}
