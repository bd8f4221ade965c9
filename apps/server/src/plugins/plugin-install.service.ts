import { Inject, Injectable } from '@nestjs/common';
import {
  type TInstallPluginRequest,
  type TPlugin,
  type TPluginPrivilege,
  type TPluginPrivilegesResponse,
  type TPullProgress,
  type TUpgradePluginRequest,
  ZInstallPluginRequest,
  ZUpgradePluginRequest,
  withDefaultTag,
} from '@berth/shared';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { followProgress } from '../images/progress-stream.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { authConfigOf, encodeAuthHeader } from '../registries/registry-auth-header.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import { PluginAccess } from './plugin-access.js';
import { PluginEngine, onSettingsField } from './plugin-engine.js';
import {
  type EnginePrivilege,
  samePrivileges,
  toEnginePrivilege,
  toPlugin,
  toPrivilege,
} from './plugin-summary.js';

/** A pull can take minutes; only the engine's first answer has a deadline. */
const PULL_ANSWER_TIMEOUT_MS = 30_000;

type Publish = (progress: Omit<TPullProgress, 'requestId' | 'hostId' | 'image'>) => void;

/**
 * Installing and upgrading plugins from a registry in two steps: the privileges the plugin asks for
 * are shown first; the install then sends exactly those the user accepted (refused on the
 * `privileges` field when they differ from what the plugin asks for now). The stored registry login
 * the caller may use is added here and never handed out. Progress goes to the caller's dashboards
 * as `plugin.pull`. A failed install removes what it made: nothing half-installed stays.
 */
@Injectable()
export class PluginInstallService {
  constructor(
    private readonly access: PluginAccess,
    private readonly audit: ContainerAudit,
    private readonly credentials: RegistryCredentialsService,
    private readonly publisher: RealtimePublisher,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async privileges(
    caller: Caller,
    hostId: string,
    remote: string,
  ): Promise<TPluginPrivilegesResponse> {
    const reference = withDefaultTag(remote);
    const permit = await this.access.change(caller, hostId, 'plugin.install');
    const engine = new PluginEngine(permit, this.config.engineTimeoutMs);
    return { remote: reference, privileges: await this.asked(engine, caller, hostId, reference) };
  }

  install(caller: Caller, hostId: string, body: TInstallPluginRequest): Promise<TPlugin> {
    const request = ZInstallPluginRequest.parse(body);
    const remote = withDefaultTag(request.remote);
    const name = request.alias ?? remote;
    return this.audit.around(
      caller,
      {
        action: 'plugin.install',
        hostId,
        target: name,
        details: { remote, privileges: request.privileges.map((p) => p.name) },
      },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'plugin.install');
        const engine = new PluginEngine(permit, this.config.engineTimeoutMs);
        if (await engine.find(name)) {
          throw new AppError('CONFLICT', `a plugin named ${name} is already installed`, {
            issues: [{ path: request.alias ? 'alias' : 'remote', message: 'already installed' }],
          });
        }
        await this.checkAccepted(engine, caller, hostId, remote, request.privileges);
        await beforeEngine();
        await this.withProgress(
          caller,
          hostId,
          remote,
          async (publish) => {
            await this.pull(
              engine,
              caller,
              hostId,
              remote,
              `/plugins/pull?remote=${encodeURIComponent(remote)}&name=${encodeURIComponent(name)}`,
              request.privileges,
              publish,
            );
            if (request.settings.length > 0) {
              await engine
                .act('POST', `/plugins/${encodeURIComponent(name)}/set`, request.settings)
                .catch((error: unknown) => {
                  throw onSettingsField(error);
                });
            }
            if (request.enable) {
              await engine.act('POST', `/plugins/${encodeURIComponent(name)}/enable?timeout=30`);
            }
          },
          () => this.removeLeftover(engine, name),
        );
        return toPlugin(await engine.inspect(name));
      },
      (plugin) => ({ id: plugin.id }),
    );
  }

  /** The engine upgrades only a disabled plugin; it keeps its name and settings. */
  upgrade(
    caller: Caller,
    hostId: string,
    name: string,
    body: TUpgradePluginRequest,
  ): Promise<TPlugin> {
    const request = ZUpgradePluginRequest.parse(body);
    const remote = withDefaultTag(request.remote);
    return this.audit.around(
      caller,
      { action: 'plugin.upgrade', hostId, target: name, details: { remote } },
      async (beforeEngine) => {
        const permit = await this.access.change(caller, hostId, 'plugin.install');
        const engine = new PluginEngine(permit, this.config.engineTimeoutMs);
        const current = await engine.inspect(name);
        if (current.Enabled) {
          throw new AppError('CONFLICT', `plugin ${name} is enabled: disable it before upgrading`);
        }
        await this.checkAccepted(engine, caller, hostId, remote, request.privileges);
        await beforeEngine();
        await this.withProgress(caller, hostId, remote, (publish) =>
          this.pull(
            engine,
            caller,
            hostId,
            remote,
            `/plugins/${encodeURIComponent(name)}/upgrade?remote=${encodeURIComponent(remote)}`,
            request.privileges,
            publish,
          ),
        );
        return toPlugin(await engine.inspect(name));
      },
      (plugin) => ({ id: plugin.id }),
    );
  }

  private async asked(
    engine: PluginEngine,
    caller: Caller,
    hostId: string,
    remote: string,
  ): Promise<TPluginPrivilege[]> {
    const auth = await this.authHeader(caller, hostId, remote);
    const list = await engine
      .call(() =>
        engine.client.json<EnginePrivilege[] | null>({
          path: `/plugins/privileges?remote=${encodeURIComponent(remote)}`,
          headers: { 'x-registry-auth': auth },
          timeoutMs: PULL_ANSWER_TIMEOUT_MS,
        }),
      )
      .catch((error: unknown) => {
        throw onRemoteField(error, remote);
      });
    return (list ?? []).map(toPrivilege);
  }

  private async checkAccepted(
    engine: PluginEngine,
    caller: Caller,
    hostId: string,
    remote: string,
    accepted: TPluginPrivilege[],
  ): Promise<void> {
    const asked = await this.asked(engine, caller, hostId, remote);
    if (!samePrivileges(asked, accepted)) {
      throw AppError.validation([
        {
          path: 'privileges',
          message: `${remote} asks for ${asked.map((p) => `${p.name}: ${p.value.join(', ')}`).join('; ') || 'no privileges'}; accept exactly these`,
        },
      ]);
    }
  }

  /** Starts a pull or upgrade and follows its progress; an error in the stream fails it. */
  private async pull(
    engine: PluginEngine,
    caller: Caller,
    hostId: string,
    remote: string,
    path: string,
    privileges: TPluginPrivilege[],
    publish: Publish,
  ): Promise<void> {
    const auth = await this.authHeader(caller, hostId, remote);
    const stream = await engine
      .call(() =>
        engine.client.stream({
          method: 'POST',
          path,
          body: privileges.map(toEnginePrivilege),
          headers: { 'x-registry-auth': auth },
          timeoutMs: PULL_ANSWER_TIMEOUT_MS,
        }),
      )
      .catch((error: unknown) => {
        throw onRemoteField(error, remote);
      });
    const end = await followProgress(stream, publish);
    if (end.error) {
      throw AppError.validation([
        { path: 'remote', message: `the host could not install ${remote}: ${end.error}` },
      ]);
    }
  }

  private async authHeader(caller: Caller, hostId: string, remote: string): Promise<string> {
    const login = await this.credentials.forImage(remote, caller.principal.user, hostId);
    // The engine wants the header even for an anonymous pull.
    return encodeAuthHeader(login ? authConfigOf(login) : {});
  }

  /**
   * Runs an install or upgrade with its progress sent to the caller's dashboards, ending with a
   * `complete` or `failed` step; `undo` removes what a failure left before the error is passed on.
   */
  private async withProgress(
    caller: Caller,
    hostId: string,
    remote: string,
    work: (publish: Publish) => Promise<void>,
    undo?: () => Promise<void>,
  ): Promise<void> {
    const publish: Publish = (progress) =>
      this.publisher.toUser(caller.principal.user.id, 'plugin.pull', {
        requestId: caller.facts.requestId ?? '',
        hostId,
        image: remote,
        ...progress,
      });
    try {
      await work(publish);
    } catch (error) {
      await undo?.();
      publish({
        status: 'failed',
        done: true,
        error: error instanceof Error ? error.message : 'failed',
      });
      throw error;
    }
    publish({ status: 'complete', done: true });
  }

  /** Removes what a failed install made, if anything; a failure here is logged, not thrown. */
  private async removeLeftover(engine: PluginEngine, name: string): Promise<void> {
    try {
      if (await engine.find(name)) {
        await engine.act('DELETE', `/plugins/${encodeURIComponent(name)}?force=true`);
      }
    } catch (error) {
      this.log.error({ err: error, plugin: name }, 'removing a half-installed plugin failed');
    }
  }
}

/** The engine's refusal to resolve or fetch a reference is the `remote` field's problem. */
function onRemoteField(error: unknown, remote: string): unknown {
  if (!(error instanceof AppError)) return error;
  if (error.code === 'HOST_UNREACHABLE' || error.code === 'FORBIDDEN') return error;
  if (
    error.code === 'NOT_FOUND' ||
    error.code === 'ENGINE_ERROR' ||
    error.code === 'VALIDATION_FAILED'
  ) {
    const reason = error.message.replace(/^the engine failed: /, '');
    return AppError.validation([
      { path: 'remote', message: `${remote} could not be fetched: ${reason}` },
    ]);
  }
  return error;
}
