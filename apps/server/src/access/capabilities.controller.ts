import { Controller } from '@nestjs/common';
import { ROUTES, type TCapabilities } from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { CapabilitiesService } from './capabilities.service.js';

@Controller()
export class CapabilitiesController {
  constructor(private readonly capabilities: CapabilitiesService) {}

  @Route(ROUTES.capabilities)
  get(@CurrentPrincipal() principal: Principal): Promise<TCapabilities> {
    return this.capabilities.of(principal.user);
  }
}
