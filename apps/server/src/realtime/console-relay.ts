import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ClientToServerEvents, ServerToClientEvents, TConsoleResumed } from '@berth/shared';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { RedisConnection } from '../cluster/redis-connection.js';
import { LOGGER } from '../common/logger.js';
import { type ConsoleViewer, ConsoleSessions, type ResumeRequest } from './console-sessions.js';
import type { RealtimeServer } from './realtime-publisher.js';

/** What one replica asks the others about their consoles (socket.io server-side events). */
interface ConsoleRelayEvents {
  'console:resume': (
    request: { viewer: ConsoleViewer; request: ResumeRequest },
    reply: (resumed: TConsoleResumed | null) => void,
  ) => void;
  'console:input': (request: { socketId: string; sessionId: string; data: string }) => void;
  'console:resize': (request: {
    socketId: string;
    sessionId: string;
    cols: number;
    rows: number;
  }) => void;
  'console:close': (request: { socketId: string; sessionId: string }) => void;
  'console:leave': (request: { socketId: string }) => void;
}

type RelayNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, ConsoleRelayEvents>;

/** How often sessions viewed from other replicas check that their viewer's socket still exists. */
const VIEWER_CHECK_MS = 10_000;

/**
 * Consoles across replicas (REDIS_URL): a console lives on the replica that opened its engine
 * stream, while the browser may reconnect to any replica. A resume the local sessions do not
 * know is asked of every other replica with socket.io's server-side events and acknowledgements
 * (through the Redis Streams adapter); the one holding the session binds it to the asking socket,
 * whose id every replica can emit to, so output flows through the adapter straight to the
 * browser. Typing, resizing and closing on the socket's replica are passed to the holder the same
 * way; the holder checks that the socket is the session's viewer. A replica that died answers
 * nothing, so its consoles answer "console ended". A viewer's replica that died cannot say its
 * socket left, so sessions viewed from afar look for their viewer every 10 s.
 *
 * The adapter's own events were chosen over a Redis channel of their own: no extra connection or
 * keys, the adapter already knows which replicas are alive (its heartbeat), and output, answers
 * and input travel in one ordered stream. Without REDIS_URL nothing here listens or sends.
 */
@Injectable()
export class ConsoleRelay implements OnModuleDestroy {
  private nsp: RelayNamespace | null = null;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly redis: RedisConnection,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  listen(server: RealtimeServer): void {
    if (!this.redis.enabled) return;
    const nsp = server.of('/') as unknown as RelayNamespace;
    this.nsp = nsp;
    nsp.on('console:resume', ({ viewer, request }, reply) => {
      this.sessions.resume(viewer, request).then(reply, (error: unknown) => {
        // The database could not say whether the user may still use it: not resumed this time.
        this.log.warn({ err: error }, 'console: a resume from another replica failed');
        reply(null);
      });
    });
    nsp.on('console:input', ({ socketId, sessionId, data }) =>
      this.sessions.input(socketId, sessionId, data),
    );
    nsp.on('console:resize', ({ socketId, sessionId, cols, rows }) =>
      this.sessions.resize(socketId, sessionId, cols, rows),
    );
    nsp.on('console:close', ({ socketId, sessionId }) => this.sessions.close(socketId, sessionId));
    nsp.on('console:leave', ({ socketId }) => this.sessions.leave(socketId));
    this.timer = setInterval(() => void this.checkViewers(), VIEWER_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Asks the other replicas to bind one of their sessions to the viewer; null: none has it. */
  async resume(viewer: ConsoleViewer, request: ResumeRequest): Promise<TConsoleResumed | null> {
    if (!this.nsp) return null;
    let answers: (TConsoleResumed | null)[];
    try {
      answers = await this.nsp.serverSideEmitWithAck('console:resume', { viewer, request });
    } catch (error) {
      // A replica that died is still counted until its heartbeat lapses: the others' answers
      // came with the timeout.
      answers = (error as { responses?: (TConsoleResumed | null)[] }).responses ?? [];
    }
    return answers.find((answer) => answer) ?? null;
  }

  input(socketId: string, sessionId: string, data: string): void {
    this.nsp?.serverSideEmit('console:input', { socketId, sessionId, data });
  }

  resize(socketId: string, sessionId: string, cols: number, rows: number): void {
    this.nsp?.serverSideEmit('console:resize', { socketId, sessionId, cols, rows });
  }

  close(socketId: string, sessionId: string): void {
    this.nsp?.serverSideEmit('console:close', { socketId, sessionId });
  }

  /** The socket, which viewed consoles of other replicas, disconnected. */
  leave(socketId: string): void {
    this.nsp?.serverSideEmit('console:leave', { socketId });
  }

  private async checkViewers(): Promise<void> {
    const nsp = this.nsp;
    if (!nsp || this.checking) return;
    this.checking = true;
    try {
      for (const socketId of this.sessions.viewers()) {
        if (nsp.sockets.has(socketId)) continue;
        const found = await nsp.in(socketId).fetchSockets();
        if (found.length === 0) this.sessions.leave(socketId);
      }
    } catch (error) {
      // A replica did not answer in time (it may be the one that died): try again next round.
      this.log.debug({ err: error }, 'console: viewers could not be checked');
    } finally {
      this.checking = false;
    }
  }
}
