import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  ROUTES,
  type TConfigurePluginRequest,
  type TInstallPluginRequest,
  type TPlugin,
  type TPluginDetail,
  type TPluginForceQuery,
  type TPluginPrivilegesQuery,
  type TPluginPrivilegesResponse,
  type TUpgradePluginRequest,
} from '@berth/shared';
import { Route } from '../common/route.decorator.js';
import type { Caller } from '../containers/caller.js';
import { CurrentCaller } from '../containers/current-caller.decorator.js';
import { PluginInstallService } from './plugin-install.service.js';
import { PluginsService } from './plugins.service.js';

/** One host's managed plugins. */
@Controller()
export class PluginsController {
  constructor(
    private readonly plugins: PluginsService,
    private readonly installer: PluginInstallService,
  ) {}

  @Route(ROUTES.listPlugins)
  list(@Param('hostId') hostId: string, @CurrentCaller() caller: Caller): Promise<TPlugin[]> {
    return this.plugins.list(caller, hostId);
  }

  @Route(ROUTES.pluginPrivileges)
  privileges(
    @Param('hostId') hostId: string,
    @Query() query: TPluginPrivilegesQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<TPluginPrivilegesResponse> {
    return this.installer.privileges(caller, hostId, query.remote);
  }

  @Route(ROUTES.installPlugin)
  install(
    @Param('hostId') hostId: string,
    @Body() body: TInstallPluginRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TPlugin> {
    return this.installer.install(caller, hostId, body);
  }

  @Route(ROUTES.inspectPlugin)
  inspect(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @CurrentCaller() caller: Caller,
  ): Promise<TPluginDetail> {
    return this.plugins.inspect(caller, hostId, name);
  }

  @Route(ROUTES.enablePlugin)
  enable(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.plugins.enable(caller, hostId, name);
  }

  @Route(ROUTES.disablePlugin)
  disable(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Query() query: TPluginForceQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.plugins.disable(caller, hostId, name, query);
  }

  @Route(ROUTES.configurePlugin)
  configure(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Body() body: TConfigurePluginRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TPlugin> {
    return this.plugins.configure(caller, hostId, name, body);
  }

  @Route(ROUTES.upgradePlugin)
  upgrade(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Body() body: TUpgradePluginRequest,
    @CurrentCaller() caller: Caller,
  ): Promise<TPlugin> {
    return this.installer.upgrade(caller, hostId, name, body);
  }

  @Route(ROUTES.removePlugin)
  remove(
    @Param('hostId') hostId: string,
    @Param('name') name: string,
    @Query() query: TPluginForceQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.plugins.remove(caller, hostId, name, query);
  }
}
