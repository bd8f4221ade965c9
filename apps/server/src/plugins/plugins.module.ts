import { Module } from '@nestjs/common';
import { HostStorageController } from '../hosts/host-storage.controller.js';
import { HostStorageService } from '../hosts/host-storage.service.js';
import { PluginAccess } from './plugin-access.js';
import { PluginInstallService } from './plugin-install.service.js';
import { PluginsController } from './plugins.controller.js';
import { PluginsService } from './plugins.service.js';

/**
 * Plugins and host storage. The services they use (container access and audit, registry
 * credentials, the realtime publisher) come from the global application module.
 */
@Module({
  controllers: [PluginsController, HostStorageController],
  providers: [PluginAccess, PluginsService, PluginInstallService, HostStorageService],
})
export class PluginsModule {}
