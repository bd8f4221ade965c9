import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  ROUTES,
  type TServiceDetail,
  type TServiceListResponse,
  type TServiceLogLine,
  type TSwarmInfo,
  type TSwarmNode,
  type TSwarmTask,
  type ZRemoveNodeQuery,
  type ZRotateJoinTokensRequest,
  type ZScaleServiceRequest,
  type ZServiceListQuery,
  type ZServiceLogsQuery,
  type ZUpdateNodeRequest,
  type ZUpdateServiceRequest,
} from '@berth/shared';
import type { z } from 'zod';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import type { CreateServiceRequest } from './service-spec.js';
import { ServiceLogs } from './service-logs.js';
import { SwarmServicesService } from './swarm-services.service.js';
import { SwarmService } from './swarm.service.js';

/** A manager host's swarm and its nodes; each route checks its own catalog permission. */
@Controller()
export class SwarmController {
  constructor(private readonly swarm: SwarmService) {}

  @Route(ROUTES.inspectSwarm)
  inspect(@Param('hostId') hostId: string, @CurrentCaller() caller: Caller): Promise<TSwarmInfo> {
    return this.swarm.inspect(caller, hostId);
  }

  @Route(ROUTES.rotateJoinTokens)
  rotate(
    @Param('hostId') hostId: string,
    @Body() body: z.output<typeof ZRotateJoinTokensRequest>,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmInfo> {
    return this.swarm.rotateJoinTokens(caller, hostId, body);
  }

  @Route(ROUTES.listSwarmNodes)
  nodes(@Param('hostId') hostId: string, @CurrentCaller() caller: Caller): Promise<TSwarmNode[]> {
    return this.swarm.nodes(caller, hostId);
  }

  @Route(ROUTES.updateSwarmNode)
  updateNode(
    @Param('hostId') hostId: string,
    @Param('nodeId') nodeId: string,
    @Body() body: z.output<typeof ZUpdateNodeRequest>,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmNode> {
    return this.swarm.updateNode(caller, hostId, nodeId, body);
  }

  @Route(ROUTES.removeSwarmNode)
  removeNode(
    @Param('hostId') hostId: string,
    @Param('nodeId') nodeId: string,
    @Query() query: z.output<typeof ZRemoveNodeQuery>,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.swarm.removeNode(caller, hostId, nodeId, query);
  }

  @Route(ROUTES.listNodeTasks)
  nodeTasks(
    @Param('hostId') hostId: string,
    @Param('nodeId') nodeId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmTask[]> {
    return this.swarm.nodeTasks(caller, hostId, nodeId);
  }
}

/** Swarm services across the fleet and on one manager host. */
@Controller()
export class SwarmServicesController {
  constructor(
    private readonly services: SwarmServicesService,
    private readonly logs: ServiceLogs,
  ) {}

  @Route(ROUTES.listServices)
  list(
    @Query() query: z.output<typeof ZServiceListQuery>,
    @CurrentCaller() caller: Caller,
  ): Promise<TServiceListResponse> {
    return this.services.list(caller, query);
  }

  @Route(ROUTES.createService)
  create(
    @Param('hostId') hostId: string,
    @Body() body: CreateServiceRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<{ id: string; warnings: string[] }> {
    return this.services.create(caller, hostId, body);
  }

  @Route(ROUTES.inspectService)
  inspect(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TServiceDetail> {
    return this.services.inspect(caller, hostId, id);
  }

  @Route(ROUTES.scaleService)
  scale(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: z.output<typeof ZScaleServiceRequest>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ warnings: string[] }> {
    return this.services.scale(caller, hostId, id, body);
  }

  @Route(ROUTES.updateService)
  update(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Body() body: z.output<typeof ZUpdateServiceRequest>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ warnings: string[] }> {
    return this.services.update(caller, hostId, id, body);
  }

  @Route(ROUTES.rollbackService)
  rollback(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<{ warnings: string[] }> {
    return this.services.rollback(caller, hostId, id);
  }

  @Route(ROUTES.removeService)
  remove(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.services.remove(caller, hostId, id);
  }

  @Route(ROUTES.listServiceTasks)
  tasks(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TSwarmTask[]> {
    return this.services.tasks(caller, hostId, id);
  }

  @Route(ROUTES.serviceLogs)
  serviceLogs(
    @Param('hostId') hostId: string,
    @Param('id') id: string,
    @Query() query: z.output<typeof ZServiceLogsQuery>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ lines: TServiceLogLine[] }> {
    return this.logs.tail(caller, hostId, id, query);
  }
}
