import { Inject, Injectable } from '@nestjs/common';
import type {
  TConfigurePluginRequest,
  TPlugin,
  TPluginDetail,
  TPluginForceQuery,
} from '@berth/shared';
import { ZConfigurePluginRequest } from '@berth/shared';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { PluginAccess } from './plugin-access.js';
import { PluginEngine, onSettingsField } from './plugin-engine.js';
import { toPlugin } from './plugin-summary.js';

/**
 * List, inspect, enable, disable, configure and remove one host's plugins. Each change needs
 * plugin.install on all of the host, is journaled before the engine is asked and settled with its
 * answer (`ContainerAudit.around`).
 */
@Injectable()
export class PluginsService {
  constructor(
    private readonly access: PluginAccess,
    private readonly audit: ContainerAudit,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async list(caller: Caller, hostId: string): Promise<TPlugin[]> {
    const engine = await this.engine(caller, hostId, 'read');
    const plugins = await engine.list();
    return plugins.map(toPlugin).sort((a, b) => a.name.localeCompare(b.name));
  }

  async inspect(caller: Caller, hostId: string, name: string): Promise<TPluginDetail> {
    const engine = await this.engine(caller, hostId, 'read');
    const plugin = await engine.inspect(name);
    return { ...toPlugin(plugin), inspect: plugin as unknown as Record<string, unknown> };
  }

  enable(caller: Caller, hostId: string, name: string): Promise<void> {
    return this.change(caller, hostId, 'plugin.enable', name, {}, (engine) =>
      engine.act('POST', `/plugins/${encodeURIComponent(name)}/enable?timeout=30`),
    );
  }

  disable(caller: Caller, hostId: string, name: string, query: TPluginForceQuery): Promise<void> {
    const force = query.force === true;
    return this.change(caller, hostId, 'plugin.disable', name, { force }, (engine) =>
      engine.act('POST', `/plugins/${encodeURIComponent(name)}/disable?force=${force}`),
    );
  }

  remove(caller: Caller, hostId: string, name: string, query: TPluginForceQuery): Promise<void> {
    const force = query.force === true;
    return this.change(caller, hostId, 'plugin.remove', name, { force }, (engine) =>
      engine.act('DELETE', `/plugins/${encodeURIComponent(name)}?force=${force}`),
    );
  }

  /**
   * `plugin set`: the keys (never the values, which may be secrets) are audited. The engine
   * refuses settings on an enabled plugin and keys the plugin does not declare settable; both are
   * answered on the `settings` field.
   */
  async configure(
    caller: Caller,
    hostId: string,
    name: string,
    body: TConfigurePluginRequest,
  ): Promise<TPlugin> {
    const { settings } = ZConfigurePluginRequest.parse(body);
    const keys = settings.map((s) => s.slice(0, s.indexOf('=')));
    let result: TPlugin | null = null;
    await this.change(caller, hostId, 'plugin.configure', name, { keys }, async (engine) => {
      await engine
        .act('POST', `/plugins/${encodeURIComponent(name)}/set`, settings)
        .catch((error: unknown) => {
          throw onSettingsField(error);
        });
      result = toPlugin(await engine.inspect(name));
    });
    return result!;
  }

  private change(
    caller: Caller,
    hostId: string,
    action: 'plugin.enable' | 'plugin.disable' | 'plugin.remove' | 'plugin.configure',
    name: string,
    details: Record<string, unknown>,
    work: (engine: PluginEngine) => Promise<void>,
  ): Promise<void> {
    return this.audit.around(
      caller,
      { action, hostId, target: name, details },
      async (beforeEngine) => {
        const engine = await this.engine(caller, hostId, 'change');
        // An unknown plugin is answered 404 before anything is journaled as sent.
        await engine.inspect(name);
        await beforeEngine();
        await work(engine);
      },
    );
  }

  private async engine(
    caller: Caller,
    hostId: string,
    kind: 'read' | 'change',
  ): Promise<PluginEngine> {
    const permit =
      kind === 'read'
        ? await this.access.read(caller, hostId, 'plugin.list')
        : await this.access.change(caller, hostId, 'plugin.install');
    return new PluginEngine(permit, this.config.engineTimeoutMs);
  }
}
