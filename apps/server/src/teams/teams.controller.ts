import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  type TAddTeamMemberRequest,
  type TCreateTeamRequest,
  type TTeam,
  ZAddTeamMemberRequest,
  ZCreateTeamRequest,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { TeamsService } from './teams.service.js';

@Controller('teams')
@Access('admin')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  list(): Promise<TTeam[]> {
    return this.teams.list();
  }

  @Post()
  create(
    @Body({ schema: ZCreateTeamRequest }) body: TCreateTeamRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TTeam> {
    return this.teams.create(body, principal, req);
  }

  @Post(':id/members')
  @HttpCode(200)
  addMember(
    @Param('id') id: string,
    @Body({ schema: ZAddTeamMemberRequest }) body: TAddTeamMemberRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TTeam> {
    return this.teams.addMember(id, body.userId, principal, req);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  removeMember(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.teams.removeMember(id, userId, principal, req);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    return this.teams.remove(id, principal, req);
  }
}
