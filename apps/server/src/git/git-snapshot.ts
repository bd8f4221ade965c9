import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runGit, type GitEnvironment } from './run-git.js';

/**
 * One commit of a repository, fetched shallow into a bare repository of its own (a temporary
 * folder): its files are read straight from git's objects, never checked out. `dispose` removes
 * the folder; the snapshot is of no use after it.
 */
export class GitSnapshot {
  constructor(
    private readonly dir: string,
    /** The full id of the commit fetched. */
    readonly commit: string,
    private readonly env: GitEnvironment,
  ) {}

  /** Whether `path` (relative to the repository's root) is a folder of the commit. */
  async isFolder(path: string): Promise<boolean> {
    return (await this.typeOf(path)) === 'tree';
  }

  /** Whether `path` (relative to the repository's root) is a file of the commit. */
  async isFile(path: string): Promise<boolean> {
    return (await this.typeOf(path)) === 'blob';
  }

  /**
   * What `path` (relative to the repository's root; the root when empty) is in the commit: a
   * file (`blob`) or folder (`tree`) with its object id and git mode; null when there is none.
   */
  async object(path: string): Promise<{ type: 'blob' | 'tree'; id: string; mode: number } | null> {
    const inside = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    if (!inside) {
      const root = await runGit(this.env, ['-C', this.dir, 'rev-parse', this.treeish('')]);
      return root.code === 0 ? { type: 'tree', id: root.stdout.trim(), mode: 0o40000 } : null;
    }
    const listed = await runGit(this.env, ['-C', this.dir, 'ls-tree', this.commit, '--', inside]);
    const entry = /^(\d+) (blob|tree) ([0-9a-f]+)\t/.exec(listed.stdout);
    if (listed.code !== 0 || !entry) return null;
    return { type: entry[2] as 'blob' | 'tree', id: entry[3]!, mode: parseInt(entry[1]!, 8) };
  }

  /** The content of the file at `path`; rejects when it is not a file or is over `max` bytes. */
  blob(path: string, max: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['-C', this.dir, 'cat-file', 'blob', this.treeish(path)], {
        env: this.env.processEnv(),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const chunks: Buffer[] = [];
      let size = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) {
          child.kill();
          reject(new Error(`${path} is over ${max} bytes`));
        } else chunks.push(chunk);
      });
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${path} is not a file`)),
      );
    });
  }

  /**
   * The folder at `path` (the whole commit when empty) as a tar archive, as `git archive` writes
   * it: the stream errors if git fails.
   */
  archive(path: string): Readable {
    const child = spawn('git', ['-C', this.dir, 'archive', '--format=tar', this.treeish(path)], {
      env: this.env.processEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.once('close', (code) => {
      if (code !== 0) {
        child.stdout.destroy(new Error(`git archive failed: ${this.env.redact(stderr.trim())}`));
      }
    });
    return child.stdout;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async typeOf(path: string): Promise<string | null> {
    const answer = await runGit(this.env, ['-C', this.dir, 'cat-file', '-t', this.treeish(path)]);
    return answer.code === 0 ? answer.stdout.trim() : null;
  }

  private treeish(path: string): string {
    const inside = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    return inside ? `${this.commit}:${inside}` : `${this.commit}^{tree}`;
  }
}
