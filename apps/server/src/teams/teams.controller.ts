import { Body, Controller, Param, Req } from '@nestjs/common';
import {
  type TAddTeamMemberRequest,
  type TCreateTeamRequest,
  type TTeam,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { TeamsService } from './teams.service.js';

@Controller()
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Route(ROUTES.listTeams)
  list(): Promise<TTeam[]> {
    return this.teams.list();
  }

  @Route(ROUTES.createTeam)
  create(
    @Body() body: TCreateTeamRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TTeam> {
    return this.teams.create(body, principal, req);
  }

  @Route(ROUTES.addTeamMember)
  addMember(
    @Param('id') id: string,
    @Body() body: TAddTeamMemberRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TTeam> {
    return this.teams.addMember(id, body.userId, principal, req);
  }

  @Route(ROUTES.removeTeamMember)
  removeMember(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.teams.removeMember(id, userId, principal, req);
  }

  @Route(ROUTES.removeTeam)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.teams.remove(id, principal, req);
  }
}
