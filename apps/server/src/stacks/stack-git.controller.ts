import { Body, Controller, Param } from '@nestjs/common';
import {
  type TCreateGitStackRequest,
  type TStackDeployResponse,
  type TStackGitInfo,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { StackGitService } from './stack-git.service.js';

/** Stacks from git repositories. */
@Controller()
export class StackGitController {
  constructor(private readonly git: StackGitService) {}

  @Route(ROUTES.createGitStack)
  create(
    @Param('hostId') hostId: string,
    @Body() body: TCreateGitStackRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TStackDeployResponse> {
    return this.git.create(caller, hostId, body);
  }

  @Route(ROUTES.getStackGit)
  info(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStackGitInfo> {
    return this.git.info(caller, id);
  }

  @Route(ROUTES.pullStackGit)
  pull(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TStackDeployResponse> {
    return this.git.pull(caller, id);
  }
}
