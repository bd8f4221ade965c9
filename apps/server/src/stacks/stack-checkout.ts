import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { GitFetcher } from '../git/git-fetcher.js';
import type { GitSnapshot } from '../git/git-snapshot.js';
import { Vault } from '../vault/vault.js';
import { stackWorkingDir } from './stack-compose.js';

/** A git-backed stack's login, as sealed with it. */
export interface StackGitLogin {
  username?: string | undefined;
  token?: string | undefined;
}

/** The largest file of a repository placed into a container (a file bind). */
export const MAX_PLACED_FILE_BYTES = 16 * 1024 * 1024;

/** The stack's files at the commit it deploys, read for build contexts and bind mounts. */
export interface StackFiles {
  /**
   * The folder at `context` (an absolute path of the loaded project) as a tar archive; rejects
   * naming the Dockerfile when the folder or the file is not in the commit.
   */
  context(context: string, dockerfile: string): Promise<Readable>;
  /** The folder at `path` (from the repository's root) as a tar archive of its content. */
  folder(path: string): Readable;
  /** The content of the file at `path` (from the repository's root). */
  file(path: string): Promise<Buffer>;
  dispose(): Promise<void>;
}

/** Where a git-backed stack comes from, as stored with it. */
export interface StackGitRow {
  name: string;
  gitUrl: string | null;
  gitCommit: string | null;
  gitAuth: string | null;
}

/**
 * The repository of a git-backed stack fetched at its recorded commit (never a checkout on disk:
 * the folders are read from git's objects). Paths of the loaded project map to the repository by
 * the stack's working directory, which stands for the repository's root.
 */
export async function openStackFiles(
  fetcher: GitFetcher,
  vault: Vault,
  row: StackGitRow,
): Promise<StackFiles> {
  return new SnapshotFiles(await fetchCommit(fetcher, vault, row), stackWorkingDir(row.name));
}

/** The stack's repository at its recorded commit. */
export async function fetchCommit(
  fetcher: GitFetcher,
  vault: Vault,
  row: StackGitRow,
): Promise<GitSnapshot> {
  if (!row.gitUrl || !row.gitCommit) throw new Error('the stack has no git commit to read');
  const login = row.gitAuth ? vault.openJson<StackGitLogin>(row.gitAuth) : {};
  return fetcher.fetch({ url: row.gitUrl, ref: row.gitCommit, ...login }, 'git');
}

class SnapshotFiles implements StackFiles {
  constructor(
    private readonly snapshot: GitSnapshot,
    private readonly root: string,
  ) {}

  async context(context: string, dockerfile: string): Promise<Readable> {
    const folder = posix.relative(this.root, context);
    const at = `commit ${this.snapshot.commit.slice(0, 12)}`;
    if (folder.startsWith('..') || posix.isAbsolute(folder)) {
      throw new Error(`the build context ${context} is outside the repository`);
    }
    if (folder && !(await this.snapshot.isFolder(folder))) {
      throw new Error(`the build context ${folder} is not a folder of ${at}`);
    }
    if (!(await this.snapshot.isFile(posix.join(folder, dockerfile)))) {
      throw new Error(`no Dockerfile ${posix.join(folder, dockerfile)} in ${at}`);
    }
    return this.snapshot.archive(folder);
  }

  folder(path: string): Readable {
    return this.snapshot.archive(path);
  }

  file(path: string): Promise<Buffer> {
    return this.snapshot.blob(path, MAX_PLACED_FILE_BYTES);
  }

  dispose(): Promise<void> {
    return this.snapshot.dispose();
  }
}
