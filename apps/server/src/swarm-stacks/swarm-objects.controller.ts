import { Body, Controller, Param } from '@nestjs/common';
import {
  type TCreateSwarmObjectRequest,
  type TCreatedSwarmObject,
  type TSwarmConfigDetail,
  type TSwarmObject,
  type TSwarmObjectList,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { SwarmObjectsService } from './swarm-objects.service.js';

/** Secrets and configs of a manager host: swarm.view to read, swarm.manage to change. */
@Controller()
export class SwarmObjectsController {
  constructor(private readonly objects: SwarmObjectsService) {}

  @Route(ROUTES.listSwarmSecrets)
  listSecrets(
    @Param('hostId') hostId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmObjectList> {
    return this.objects.list(caller, hostId, 'secret');
  }

  @Route(ROUTES.createSwarmSecret)
  createSecret(
    @Param('hostId') hostId: string,
    @Body() body: TCreateSwarmObjectRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TCreatedSwarmObject> {
    return this.objects.create(caller, hostId, 'secret', body);
  }

  @Route(ROUTES.inspectSwarmSecret)
  inspectSecret(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmObject> {
    return this.objects.inspect(caller, hostId, 'secret', id);
  }

  @Route(ROUTES.removeSwarmSecret)
  removeSecret(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.objects.remove(caller, hostId, 'secret', id);
  }

  @Route(ROUTES.listSwarmConfigs)
  listConfigs(
    @Param('hostId') hostId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmObjectList> {
    return this.objects.list(caller, hostId, 'config');
  }

  @Route(ROUTES.createSwarmConfig)
  createConfig(
    @Param('hostId') hostId: string,
    @Body() body: TCreateSwarmObjectRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TCreatedSwarmObject> {
    return this.objects.create(caller, hostId, 'config', body);
  }

  @Route(ROUTES.inspectSwarmConfig)
  inspectConfig(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmConfigDetail> {
    return this.objects.inspect(caller, hostId, 'config', id) as Promise<TSwarmConfigDetail>;
  }

  @Route(ROUTES.removeSwarmConfig)
  removeConfig(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.objects.remove(caller, hostId, 'config', id);
  }
}
