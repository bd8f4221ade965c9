import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  type TConnectNetworkRequest,
  type TCreateNetworkRequest,
  type TCreateNetworkResponse,
  type TDisconnectNetworkRequest,
  type TNetworkDetail,
  type TPruneQuery,
  type TPruneResponse,
  ROUTES,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { NetworkCreateService } from './network-create.service.js';
import { NetworksService } from './networks.service.js';

/** One host's networks; every route checks its own permission from the catalog. */
@Controller()
export class NetworksController {
  constructor(
    private readonly networks: NetworksService,
    private readonly creator: NetworkCreateService,
  ) {}

  @Route(ROUTES.createNetwork)
  create(
    @Param('hostId') hostId: string,
    @Body() body: TCreateNetworkRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TCreateNetworkResponse> {
    return this.creator.create(caller, hostId, body);
  }

  @Route(ROUTES.pruneNetworks)
  prune(
    @Param('hostId') hostId: string,
    @Query() query: TPruneQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TPruneResponse> {
    return this.networks.prune(caller, hostId, query);
  }

  @Route(ROUTES.inspectNetwork)
  inspect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TNetworkDetail> {
    return this.networks.inspect(caller, hostId, id);
  }

  @Route(ROUTES.removeNetwork)
  remove(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.networks.remove(caller, hostId, id);
  }

  @Route(ROUTES.connectNetwork)
  connect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TConnectNetworkRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.networks.connect(caller, hostId, id, body);
  }

  @Route(ROUTES.disconnectNetwork)
  disconnect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: TDisconnectNetworkRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.networks.disconnect(caller, hostId, id, body);
  }
}
