import { posix } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type {
  TCreateGitStackRequest,
  TStackDeployResponse,
  TStackGitInfo,
  TStackGitSource,
} from '@berth/shared';
import { ZCreateGitStackRequest } from '@berth/shared';
import type { Logger } from 'pino';
import tar from 'tar-stream';
import { AppError } from '../common/app-error.js';
import { Leases } from '../cluster/leases.js';
import { LOGGER } from '../common/logger.js';
import type { Caller } from '../containers/caller.js';
import { PrismaService } from '../database/prisma.service.js';
import { GitFetcher } from '../git/git-fetcher.js';
import type { GitSnapshot } from '../git/git-snapshot.js';
import { Vault } from '../vault/vault.js';
import { actingFor } from '../webhooks/webhook-caller.js';
import type { StackGitLogin } from './stack-checkout.js';
import { StacksService } from './stacks.service.js';

/** The largest compose file read from a repository. */
const MAX_COMPOSE_BYTES = 1_000_000;
/** How often the stacks that poll are looked at; each is fetched only once its interval passed. */
const TICK_MS = 5_000;

/**
 * Stacks whose compose file is in a git repository: fetched shallow by the git module at the
 * branch, tag or commit asked for, the file read from that commit, its login sealed with the
 * stack. A deploy records the commit; `pull` (and, for stacks with an interval, a poll) fetches
 * again and redeploys when the commit moved, as the stack's creator.
 */
@Injectable()
export class StackGitService implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly checkedAt = new Map<string, number>();
  private polling = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly fetcher: GitFetcher,
    private readonly stacks: StacksService,
    private readonly leases: Leases,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.poll(), TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async create(
    caller: Caller,
    hostId: string,
    request: TCreateGitStackRequest,
  ): Promise<TStackDeployResponse> {
    const body = ZCreateGitStackRequest.parse(request);
    const git = body.git;
    const { compose, commit } = await this.read(git, git);
    const login = git.token ? { username: git.username, token: git.token } : null;
    return this.stacks.create(
      caller,
      hostId,
      { name: body.name, compose, ...(body.env ? { env: body.env } : {}) },
      {
        commit,
        fields: {
          gitUrl: git.url,
          gitRef: git.ref ?? null,
          gitPath: git.path,
          gitAuth: login ? this.vault.sealJson(login) : null,
          gitPollSeconds: git.pollSeconds ?? null,
          gitCommit: commit,
        },
      },
    );
  }

  async info(caller: Caller, id: string): Promise<TStackGitInfo> {
    const { stack } = await this.stacks.stackFor(caller, id, 'stack.list');
    const row = await this.gitRow(stack.id);
    return {
      url: row.gitUrl,
      ref: row.gitRef,
      path: row.gitPath,
      pollSeconds: row.gitPollSeconds,
      commit: row.gitCommit,
      hasLogin: row.gitAuth !== null,
    };
  }

  /** Fetches the stack's branch or tag again and redeploys with the file of that commit. */
  async pull(caller: Caller, id: string, triggeredBy?: string): Promise<TStackDeployResponse> {
    const { stack } = await this.stacks.stackFor(caller, id, 'stack.deploy');
    const row = await this.gitRow(stack.id);
    const login = row.gitAuth ? this.vault.openJson<StackGitLogin>(row.gitAuth) : {};
    const source = { url: row.gitUrl, ref: row.gitRef ?? undefined, path: row.gitPath, ...login };
    const { compose, commit } = await this.read(source, source);
    return this.stacks.update(
      caller,
      stack.id,
      { compose },
      {
        commit,
        ...(triggeredBy ? { triggeredBy } : {}),
      },
    );
  }

  /** The stacks whose interval has passed: fetched, and redeployed when their commit moved. */
  private async poll(): Promise<void> {
    if (this.polling || !this.leases.holds('git-poll')) return;
    this.polling = true;
    try {
      const rows = await this.prisma.db.stack.findMany({
        where: { source: 'git', gitPollSeconds: { not: null } },
      });
      const now = Date.now();
      for (const row of rows) {
        const last = this.checkedAt.get(row.id) ?? 0;
        if (now - last < (row.gitPollSeconds ?? 0) * 1000) continue;
        this.checkedAt.set(row.id, now);
        await this.pollOne(row).catch((error: unknown) =>
          this.log.warn({ err: error, stackId: row.id }, 'git poll of a stack failed'),
        );
      }
    } catch (error) {
      this.log.warn({ err: error }, 'git poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async pollOne(row: {
    id: string;
    createdById: string | null;
    gitUrl: string | null;
    gitRef: string | null;
    gitPath: string | null;
    gitAuth: string | null;
    gitCommit: string | null;
  }): Promise<void> {
    if (!row.gitUrl || !row.gitPath || !row.createdById) return;
    const login = row.gitAuth ? this.vault.openJson<StackGitLogin>(row.gitAuth) : {};
    const snapshot = await this.fetcher.fetch(
      { url: row.gitUrl, ref: row.gitRef ?? undefined, ...login },
      'git',
    );
    const commit = snapshot.commit;
    await snapshot.dispose();
    if (commit === row.gitCommit) return;
    const caller = await actingFor(
      this.prisma,
      row.createdById,
      { type: 'system', id: null, name: 'git poll' },
      {},
    );
    if (!caller) return;
    await this.pull(
      caller,
      row.id,
      `git poll: ${row.gitRef ?? 'HEAD'} moved to ${commit.slice(0, 12)}`,
    );
  }

  private async gitRow(stackId: string) {
    const row = await this.prisma.db.stack.findUnique({ where: { id: stackId } });
    if (!row || row.source !== 'git' || !row.gitUrl || !row.gitPath) {
      throw AppError.notFound('git source of the stack');
    }
    return { ...row, gitUrl: row.gitUrl, gitPath: row.gitPath };
  }

  /** The compose text at the path of the fetched commit; 400 on git.path when it is not a file. */
  private async read(
    source: TStackGitSource & { path: string },
    login: StackGitLogin,
  ): Promise<{ compose: string; commit: string }> {
    const snapshot = await this.fetcher.fetch(
      { url: source.url, ref: source.ref, username: login.username, token: login.token },
      'git',
    );
    try {
      if (!(await snapshot.isFile(source.path))) {
        throw AppError.validation([
          {
            path: 'git.path',
            message: `${source.path} is not a file of commit ${snapshot.commit.slice(0, 12)}`,
          },
        ]);
      }
      const compose = await fileOf(snapshot, source.path);
      return { compose, commit: snapshot.commit };
    } finally {
      await snapshot.dispose();
    }
  }
}

/** One file of a snapshot, read from the archive of its folder. */
async function fileOf(snapshot: GitSnapshot, path: string): Promise<string> {
  const folder = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const name = posix.basename(path);
  const extract = tar.extract();
  const found = new Promise<string>((resolve, reject) => {
    let text: string | undefined;
    extract.on('entry', (header, stream, next) => {
      if (header.type === 'file' && header.name === name && header.size !== undefined) {
        if (header.size > MAX_COMPOSE_BYTES) {
          reject(
            AppError.validation([{ path: 'git.path', message: 'the compose file is over 1 MB' }]),
          );
        }
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: unknown) => {
          chunks.push(Buffer.from(chunk as Uint8Array));
        });
        stream.on('end', () => {
          text = Buffer.concat(chunks).toString('utf8');
          next();
        });
      } else {
        stream.on('end', next);
        stream.resume();
      }
    });
    extract.on('finish', () =>
      text === undefined
        ? reject(AppError.validation([{ path: 'git.path', message: `${path} not found` }]))
        : resolve(text),
    );
    extract.on('error', reject);
  });
  const archive = snapshot.archive(folder);
  archive.on('error', (error) => extract.destroy(error));
  archive.pipe(extract);
  return found;
}
