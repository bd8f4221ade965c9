import { Injectable } from '@nestjs/common';
import { type TPullProgress, withDefaultTag } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { EngineError } from '../docker/engine-error.js';
import { onJsonLines } from '../docker/json-lines.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { PrismaService } from '../database/prisma.service.js';
import { authConfigOf, encodeAuthHeader } from '../registries/registry-auth-header.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import { engineError } from './engine-error.js';

/** Pulls can take minutes; only the first answer has a deadline. */
const PULL_ANSWER_TIMEOUT_MS = 30_000;
/** Byte counters of one layer are pushed at most this often. */
const PROGRESS_INTERVAL_MS = 250;

interface PullLine {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** Who watches a pull: progress goes to this user's sockets, tagged with the REST request id. */
export interface PullWatcher {
  userId: string;
  requestId: string;
}

/**
 * Pulls images for container create and recreate with the stored registry credentials, and pushes
 * the engine's progress to the user's dashboards as `image.pull` events.
 */
@Injectable()
export class ImagePuller {
  constructor(
    private readonly credentials: RegistryCredentialsService,
    private readonly prisma: PrismaService,
    private readonly publisher: RealtimePublisher,
  ) {}

  async has(engine: RegisteredEngine, image: string): Promise<boolean> {
    try {
      await engine.client.inspectImage(image);
      return true;
    } catch (error) {
      if (EngineError.from(error).kind === 'not_found') return false;
      throw engineError(error, 'image', engine.name);
    }
  }

  /** The stored login the user watching the pull may use for it on this host, if any. */
  private async loginFor(reference: string, userId: string, hostId: string) {
    const user = await this.prisma.db.user.findUnique({
      where: { id: userId },
      select: { id: true, username: true, displayName: true, isAdmin: true },
    });
    return user ? this.credentials.forImage(reference, user, hostId) : null;
  }

  async pull(engine: RegisteredEngine, image: string, watcher: PullWatcher): Promise<void> {
    const reference = withDefaultTag(image);
    const credentials = await this.loginFor(reference, watcher.userId, engine.hostId);
    const headers: Record<string, string> = credentials
      ? { 'x-registry-auth': encodeAuthHeader(authConfigOf(credentials)) }
      : {};
    const push = (progress: Omit<TPullProgress, 'requestId' | 'hostId' | 'image'>) =>
      this.publisher.toUser(watcher.userId, 'image.pull', {
        requestId: watcher.requestId,
        hostId: engine.hostId,
        image: reference,
        ...progress,
      });
    let stream;
    try {
      stream = await engine.client.stream({
        method: 'POST',
        path: `/images/create?fromImage=${encodeURIComponent(reference)}`,
        headers,
        timeoutMs: PULL_ANSWER_TIMEOUT_MS,
      });
    } catch (error) {
      push({ status: 'failed', done: true, error: messageOf(error) });
      throw pullFailed(error, engine.name);
    }
    const failure = await new Promise<string | null>((resolve) => {
      let error: string | null = null;
      const lastPush = new Map<string, number>();
      onJsonLines(stream, (value) => {
        const line = value as PullLine;
        if (line.error || line.errorDetail?.message) {
          error = line.error ?? line.errorDetail?.message ?? 'pull failed';
          return;
        }
        const status = line.status ?? '';
        const current = line.progressDetail?.current;
        const total = line.progressDetail?.total;
        if (line.id && current !== undefined) {
          const now = Date.now();
          if (now - (lastPush.get(line.id) ?? 0) < PROGRESS_INTERVAL_MS) return;
          lastPush.set(line.id, now);
        }
        push({
          status,
          ...(line.id ? { layer: line.id } : {}),
          ...(current !== undefined ? { current } : {}),
          ...(total !== undefined ? { total } : {}),
        });
      });
      stream.once('error', (e) => {
        error ??= e.message;
      });
      stream.once('close', () => resolve(error));
    });
    push({
      status: failure ? 'failed' : 'complete',
      done: true,
      ...(failure ? { error: failure } : {}),
    });
    if (failure) {
      throw AppError.validation([
        { path: 'image', message: `the host could not pull ${reference}: ${failure}` },
      ]);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pullFailed(error: unknown, hostName: string): AppError {
  const { status } = EngineError.from(error);
  if (status !== null && status < 500) {
    return AppError.validation([
      { path: 'image', message: `the host could not pull it: ${messageOf(error)}` },
    ]);
  }
  return engineError(error, 'image', hostName);
}
