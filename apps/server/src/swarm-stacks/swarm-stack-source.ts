import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SECRET_MASK, type TSwarmStackKeptSource, type TSwarmStackSource } from '@berth/shared';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { mergeEnv } from '../stacks/stack-env.js';
import { Vault, VaultError } from '../vault/vault.js';
import type { SwarmApi } from './swarm-api.js';
import { STACK_NAMESPACE } from './swarm-objects.service.js';

/** Marks the config that holds a stack's last deployed source. */
export const SOURCE_LABEL = 'berth.swarm-stack.source';

/** A swarm config's data may be up to 1000 KiB; an envelope larger than this is not kept. */
const MAX_KEPT_BYTES = 900 * 1024;

/**
 * The file a swarm stack was last deployed with, kept in the swarm beside the stack: one config
 * `<stack>_berth-source-<suffix>` labelled with the stack's namespace, so every manager (and every
 * Berth replica) finds it, `docker stack rm` and Berth's own removal take it away, and nothing of
 * the stack is stored in Berth's database. Its data is a vault envelope of the whole source:
 * secret variables and secret files are readable only with Berth's key, never through the engine.
 */
@Injectable()
export class SwarmStackSources {
  constructor(
    private readonly vault: Vault,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Whether a config (by its labels) is a kept source rather than one of the stack's own. */
  static isSource(labels: Record<string, string> | null | undefined): boolean {
    return labels?.[SOURCE_LABEL] !== undefined;
  }

  /**
   * Keeps `source` as the stack's file and drops the ones kept before. A failure is logged and
   * answered as `false`: the stack itself is deployed, only its next update starts from scratch.
   */
  async keep(api: SwarmApi, stack: string, source: TSwarmStackSource): Promise<boolean> {
    const earlier = await this.kept(api, stack).catch(() => []);
    let kept = false;
    try {
      const envelope = this.vault.sealJson({ ...source, keptAt: new Date().toISOString() });
      if (Buffer.byteLength(envelope) <= MAX_KEPT_BYTES) {
        await api.createObject('configs', {
          Name: `${stack}_berth-source-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`,
          Labels: { [STACK_NAMESPACE]: stack, [SOURCE_LABEL]: '1' },
          Data: Buffer.from(envelope, 'utf8').toString('base64'),
        });
        kept = true;
      } else {
        this.log.warn({ stack }, 'swarm stack: its file is too large to keep for updates');
      }
    } catch (error) {
      this.log.warn({ err: error, stack }, 'swarm stack: keeping its file failed');
    }
    for (const config of earlier) {
      await api.removeObject('configs', config.ID).catch((error: unknown) => {
        this.log.warn({ err: error, stack }, 'swarm stack: an earlier kept file was not removed');
      });
    }
    return kept;
  }

  /** The stack's kept source, whole (secrets in the clear: for merging, never for answers). */
  async read(api: SwarmApi, stack: string): Promise<TSwarmStackKeptSource | undefined> {
    const newest = (await this.kept(api, stack)).at(-1);
    if (!newest) return undefined;
    // A list answer carries no data; the config's own answer does.
    const config = await api.inspectObject('configs', newest.ID);
    try {
      const envelope = Buffer.from(config.Spec?.Data ?? '', 'base64').toString('utf8');
      return this.vault.openJson<TSwarmStackKeptSource>(envelope);
    } catch (error) {
      // Kept by a Berth with another key, or not an envelope at all: as good as none.
      if (error instanceof VaultError || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** What an answer shows: secret variables and every file's content masked. */
  static masked(source: TSwarmStackKeptSource): TSwarmStackKeptSource {
    return {
      ...source,
      env: source.env.map((e) => (e.secret ? { ...e, value: SECRET_MASK } : e)),
      files: Object.fromEntries(Object.keys(source.files).map((path) => [path, SECRET_MASK])),
    };
  }

  /**
   * The source of an update with masked values replaced by the kept ones: a client sends back what
   * it was shown. A masked file with nothing kept under its path is refused at its field.
   */
  static merged(
    given: TSwarmStackSource,
    kept: TSwarmStackKeptSource | undefined,
  ): TSwarmStackSource {
    const files: Record<string, string> = {};
    for (const [path, content] of Object.entries(given.files)) {
      if (content !== SECRET_MASK) {
        files[path] = content;
        continue;
      }
      const stored = kept?.files[path];
      if (stored === undefined) {
        throw AppError.validation([
          { path: `files.${path}`, message: 'no kept content to reuse: give the file again' },
        ]);
      }
      files[path] = stored;
    }
    return { ...given, env: mergeEnv(kept?.env ?? [], given.env), files };
  }

  /** The stack's kept-source configs, oldest first. */
  private async kept(api: SwarmApi, stack: string) {
    const configs = await api.listObjects('configs', {
      label: [`${STACK_NAMESPACE}=${stack}`, SOURCE_LABEL],
    });
    return configs.sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''));
  }
}
