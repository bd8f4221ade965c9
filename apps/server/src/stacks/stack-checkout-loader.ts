import { posix } from 'node:path';
import type { CheckoutObject, ComposeProject } from '@berth/compose';
import type { TStackEnvEntry } from '@berth/shared';
import { LRUCache } from 'lru-cache';
import { GitFetcher } from '../git/git-fetcher.js';
import type { GitSnapshot } from '../git/git-snapshot.js';
import { Vault } from '../vault/vault.js';
import { fetchCommit, type StackGitRow } from './stack-checkout.js';
import { loadStack, stackWorkingDir } from './stack-compose.js';

/** The largest env file or extends file read from a repository. */
const MAX_READ_BYTES = 1_000_000;
/** Each round reads what the previous one found referenced (an extends file's own env files). */
const MAX_ROUNDS = 8;

/** What has been read of one commit: texts of files, and what paths are (null: not there). */
interface CommitFacts {
  texts: Map<string, string | null>;
  objects: Map<string, CheckoutObject | null>;
}

interface Misses {
  texts: Set<string>;
  objects: Set<string>;
}

/** A stack from git at the commit to load it from. */
export interface GitStackSource extends StackGitRow {
  gitPath: string;
}

/**
 * Loads the compose file of a stack from git against its repository at the stack's commit: env
 * files and extends files are read from the commit, and the relative binds learn whether their
 * path is a file or a folder and its content id. The compose loader asks for paths as it meets
 * them; what it asked for and was not yet known is read from the commit (fetched once per load)
 * and the file loaded again. What was read stays known per commit, which never changes.
 */
export class StackCheckoutLoader {
  private readonly commits = new LRUCache<string, CommitFacts>({ max: 256 });

  constructor(
    private readonly fetcher: GitFetcher,
    private readonly vault: Vault,
  ) {}

  async load(
    source: GitStackSource,
    compose: string,
    env: TStackEnvEntry[],
  ): Promise<ComposeProject> {
    const facts = this.factsOf(source);
    let snapshot: GitSnapshot | undefined;
    try {
      for (let round = 0; ; round++) {
        const misses: Misses = { texts: new Set(), objects: new Set() };
        let loaded: { project: ComposeProject } | { error: unknown };
        try {
          loaded = { project: this.loadWith(source, compose, env, facts, misses) };
        } catch (error) {
          loaded = { error };
        }
        if ((misses.texts.size === 0 && misses.objects.size === 0) || round === MAX_ROUNDS) {
          if ('error' in loaded) throw loaded.error;
          return loaded.project;
        }
        snapshot ??= await fetchCommit(this.fetcher, this.vault, source);
        await read(snapshot, facts, misses);
      }
    } finally {
      await snapshot?.dispose();
    }
  }

  /**
   * Loaded with what is known of the commit, without fetching: a path never read counts as
   * absent (for listing a stack's services, which must not fetch every repository).
   */
  loadKnown(source: GitStackSource, compose: string, env: TStackEnvEntry[]): ComposeProject {
    return this.loadWith(source, compose, env, this.factsOf(source));
  }

  private factsOf(source: GitStackSource): CommitFacts {
    const key = `${source.gitUrl ?? ''}\n${source.gitCommit ?? ''}`;
    let facts = this.commits.get(key);
    if (!facts) {
      facts = { texts: new Map(), objects: new Map() };
      this.commits.set(key, facts);
    }
    return facts;
  }

  private loadWith(
    source: GitStackSource,
    compose: string,
    env: TStackEnvEntry[],
    facts: CommitFacts,
    misses?: Misses,
  ): ComposeProject {
    const root = stackWorkingDir(source.name);
    return loadStack(source.name, compose, env, {
      path: source.gitPath,
      readFile: (path) => {
        const inRepo = posix.relative(root, path);
        if (inRepo.startsWith('..') || posix.isAbsolute(inRepo)) return undefined;
        if (!facts.texts.has(inRepo)) misses?.texts.add(inRepo);
        return facts.texts.get(inRepo) ?? undefined;
      },
      object: (inRepo) => {
        if (!facts.objects.has(inRepo)) misses?.objects.add(inRepo);
        return facts.objects.get(inRepo) ?? undefined;
      },
    });
  }
}

async function read(snapshot: GitSnapshot, facts: CommitFacts, misses: Misses): Promise<void> {
  await Promise.all([
    ...[...misses.texts].map(async (path) => {
      const content = await snapshot.blob(path, MAX_READ_BYTES).catch(() => null);
      facts.texts.set(path, content?.toString('utf8') ?? null);
    }),
    ...[...misses.objects].map(async (path) => {
      const found = await snapshot.object(path);
      facts.objects.set(
        path,
        found && {
          type: found.type === 'tree' ? 'folder' : 'file',
          id: found.id,
          mode: found.type === 'tree' ? 0o755 : found.mode & 0o777,
        },
      );
    }),
  ]);
}
