import { Controller } from '@nestjs/common';
import { ROUTES, type TFleetSummary } from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { FleetSummaryService } from './fleet-summary.service.js';

@Controller()
export class FleetSummaryController {
  constructor(private readonly fleet: FleetSummaryService) {}

  @Route(ROUTES.fleetSummary)
  summary(@CurrentPrincipal() principal: Principal): Promise<TFleetSummary> {
    return this.fleet.summary(principal.user);
  }
}
