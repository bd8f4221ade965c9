import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { GitSnapshot } from './git-snapshot.js';
import { GitEnvironment, runGit } from './run-git.js';

/** Where a repository is and which commit of it; the login is used for this fetch only. */
export interface GitSourceRequest {
  url: string;
  /** A branch, tag or full commit id; the default branch when empty. */
  ref?: string | undefined;
  username?: string | undefined;
  token?: string | undefined;
}

/**
 * Fetches one commit of a git repository over http(s), shallow (`git fetch --depth 1` of the
 * branch, tag or commit asked for), with the Debian/CI `git` binary. Failures are answered as
 * 400s on the request field they are about (`<field>.url`, `<field>.ref`, `<field>.token`), in
 * git's words with the login taken out. Used by image builds; meant for git-backed stacks too.
 */
@Injectable()
export class GitFetcher {
  /** `field`: where the source sits in the request (`git`), to name its fields in errors. */
  async fetch(source: GitSourceRequest, field: string): Promise<GitSnapshot> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-git-'));
    const login =
      source.token !== undefined && source.token !== ''
        ? { username: source.username || 'git', token: source.token }
        : undefined;
    const env = new GitEnvironment(dir, login);
    const repo = dir;
    try {
      const init = await runGit(env, ['init', '--bare', '--quiet', repo]);
      if (init.code !== 0) throw new AppError('INTERNAL', 'git could not start', {}, init.stderr);
      const ref = source.ref?.trim() || 'HEAD';
      const fetched = await runGit(env, [
        '-C',
        repo,
        'fetch',
        '--quiet',
        '--depth=1',
        '--no-tags',
        '--',
        source.url,
        ref,
      ]);
      if (fetched.code !== 0) throw fetchError(fetched.stderr, field, ref, login !== undefined);
      const head = await runGit(env, ['-C', repo, 'rev-parse', '--verify', 'FETCH_HEAD^{commit}']);
      if (head.code !== 0) {
        throw AppError.validation([{ path: `${field}.ref`, message: `${ref} is not a commit` }]);
      }
      return new GitSnapshot(repo, head.stdout.trim(), env);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
}

/** Git's complaint, on the field it is about. */
function fetchError(stderr: string, field: string, ref: string, withLogin: boolean): AppError {
  const said = stderr
    .split('\n')
    .map((line) => line.replace(/^(fatal|error|remote): /, '').trim())
    .filter(Boolean)
    .join('; ');
  if (/couldn't find remote ref|not our ref|unadvertised object|no such ref/i.test(stderr)) {
    return AppError.validation([
      { path: `${field}.ref`, message: `no branch, tag or commit ${ref} in the repository` },
    ]);
  }
  if (/Authentication failed|could not read Username|terminal prompts disabled|403/i.test(stderr)) {
    return AppError.validation([
      withLogin
        ? { path: `${field}.token`, message: `the repository refused the login: ${said}` }
        : { path: `${field}.url`, message: `the repository asks for a login: ${said}` },
    ]);
  }
  return AppError.validation([
    { path: `${field}.url`, message: `the repository could not be fetched: ${said}` },
  ]);
}
