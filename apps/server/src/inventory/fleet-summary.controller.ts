import { Controller, Get } from '@nestjs/common';
import type { TFleetSummary } from '@berth/shared';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { FleetSummaryService } from './fleet-summary.service.js';

@Controller('fleet')
@Access('user')
export class FleetSummaryController {
  constructor(private readonly fleet: FleetSummaryService) {}

  @Get('summary')
  summary(@CurrentPrincipal() principal: Principal): Promise<TFleetSummary> {
    return this.fleet.summary(principal.user);
  }
}
