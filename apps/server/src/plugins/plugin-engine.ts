import { AppError } from '../common/app-error.js';
import type { HostPermit } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';
import { type EnginePlugin } from './plugin-summary.js';

/** Engine calls on plugins, with the engine's failures turned into the API's errors. */
export class PluginEngine {
  constructor(
    private readonly permit: HostPermit,
    private readonly timeoutMs: number,
  ) {}

  get client() {
    return this.permit.engine.client;
  }

  get hostName(): string {
    return this.permit.engine.name;
  }

  list(): Promise<EnginePlugin[]> {
    return this.call(() =>
      this.permit.engine.client.json<EnginePlugin[]>({
        path: '/plugins',
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  inspect(name: string): Promise<EnginePlugin> {
    return this.call(() =>
      this.permit.engine.client.json<EnginePlugin>({
        path: `/plugins/${encodeURIComponent(name)}/json`,
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  /** The plugin by that name, or null when the host has none. */
  async find(name: string): Promise<EnginePlugin | null> {
    try {
      return await this.permit.engine.client.json<EnginePlugin>({
        path: `/plugins/${encodeURIComponent(name)}/json`,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      if (EngineError.from(error).kind === 'not_found') return null;
      throw engineError(error, 'plugin', this.hostName);
    }
  }

  /** A call without an answer body (enable, disable, set, remove). */
  async act(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
    const answer = await this.call(() =>
      this.permit.engine.client.stream({
        method,
        path,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: Math.max(this.timeoutMs, 60_000),
      }),
    );
    answer.resume();
  }

  async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw engineError(error, 'plugin', this.hostName);
    }
  }
}

/** A setting the engine refused (unknown key, not settable, plugin enabled) belongs to `settings`. */
export function onSettingsField(error: unknown): unknown {
  if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && !error.details?.issues) {
    return AppError.validation([{ path: 'settings', message: error.message }]);
  }
  if (error instanceof AppError && error.code === 'ENGINE_ERROR') {
    return AppError.validation([
      { path: 'settings', message: error.message.replace(/^the engine failed: /, '') },
    ]);
  }
  return error;
}
