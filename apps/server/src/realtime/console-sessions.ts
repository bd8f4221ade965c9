import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type {
  AuditAction,
  ErrorCode,
  TConsoleResumed,
  ZAttachStart,
  ZConsoleResume,
  ZExecStart,
} from '@berth/shared';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { CredentialWatch } from '../auth/credential-watch.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import type { EngineContainerInspect } from '../docker/engine-client.js';
import { ConsoleBacklog } from './console-backlog.js';
import { FrameDemuxer } from './log-frames.js';
import { RealtimePublisher } from './realtime-publisher.js';

export type ExecRequest = z.output<typeof ZExecStart>;
export type AttachRequest = z.output<typeof ZAttachStart>;
export type ResumeRequest = z.output<typeof ZConsoleResume>;

/** Who views a console: the socket (on any replica) and a digest of the credential it uses. */
export interface ConsoleViewer {
  socketId: string;
  credential: string;
}

/** The socket that opens a console, and the request its credential is checked against again. */
export interface ConsoleOpener {
  socketId: string;
  request: IncomingMessage;
}

/**
 * The user and the credential (sign-in session or token) behind a principal, as a digest: it
 * travels between replicas and says nothing about the credential itself.
 */
export function consoleCredential(principal: Principal): string {
  const credential =
    principal.kind === 'session' ? `session:${principal.sessionId}` : `token:${principal.tokenId}`;
  return createHash('sha256').update(`${principal.user.id}\n${credential}`).digest('base64url');
}

interface Session {
  id: string;
  /** Who opened it; only the same credential may resume it, while it still may use the console. */
  credential: string;
  principal: Principal;
  /** The socket it answers to; only it may type, resize or close. Null: waiting to be resumed. */
  viewer: string | null;
  kind: 'exec' | 'attach';
  engine: RegisteredEngine;
  containerId: string;
  execId: string | null;
  tty: boolean;
  stdin: boolean;
  socket: Duplex;
  closing: NodeJS.Timeout | undefined;
  /** The latest output, for a viewer that comes back. */
  backlog: ConsoleBacklog;
  /** How much output there was when the viewer left. */
  leftAt: number;
  /** Ends the session when nobody resumes it in time. */
  grace: NodeJS.Timeout | undefined;
  /** Lets the session go from the credential watch. */
  unwatch: () => void;
}

/** After a close, the process gets this long to exit on end of input before the stream is cut. */
const CLOSE_GRACE_MS = 2_000;
const MAX_SESSIONS_PER_OWNER = 8;
/** What a resume's access check answers when the user may no longer use the console. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']);

/**
 * Interactive consoles over socket.io: `exec` runs a command (a shell by default) with a TTY,
 * `attach` joins the container's main process. The engine stream is hijacked through the host's
 * own connection (`Connection: Upgrade`, `Upgrade: tcp`). Each session is audited when it starts
 * and when it ends, with who, the container, the command and the exit code.
 *
 * A session outlives the socket that opened it: when its socket disconnects, the engine stream is
 * kept and its output gathered (`ConsoleBacklog`) for BERTH_CONSOLE_GRACE_MS; the same credential
 * may resume it from another socket meanwhile (`ConsoleRelay` brings resumes from other
 * replicas), otherwise it is closed as if its viewer had closed it. Each session is held by the
 * credential watch itself, so a revoked credential ends it even while nobody views it.
 */
@Injectable()
export class ConsoleSessions implements OnApplicationShutdown {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    private readonly publisher: RealtimePublisher,
    private readonly credentials: CredentialWatch,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationShutdown(): void {
    for (const session of this.sessions.values()) {
      clearTimeout(session.grace);
      session.socket.destroy();
    }
  }

  get open(): number {
    return this.sessions.size;
  }

  async exec(
    caller: Caller,
    opener: ConsoleOpener,
    request: ExecRequest,
  ): Promise<{ sessionId: string; execId: string }> {
    this.checkLimit(opener.socketId);
    const command = request.cmd ?? [request.shell];
    const entry = {
      action: 'container.exec_start' as AuditAction,
      hostId: request.hostId,
      target: request.containerId,
      details: { command: command.join(' '), user: request.user ?? null } as Record<
        string,
        unknown
      >,
    };
    let session: Session | undefined;
    await this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, container } = await this.access.requireContainer(
        caller.principal,
        request.hostId,
        request.containerId,
        'container.exec',
      );
      entry.target = container.name;
      const engine = permit.engine;
      await beforeEngine();
      let execId: string;
      try {
        execId = await engine.client.createExec(container.id, {
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: true,
          Cmd: command,
          Env: ['TERM=xterm-256color'],
          ...(request.user ? { User: request.user } : {}),
          ...(request.workingDir ? { WorkingDir: request.workingDir } : {}),
        });
      } catch (error) {
        throw engineError(error, 'container', engine.name);
      }
      entry.details = { ...entry.details, id: container.id, execId };
      const { socket, head } = await this.hijack(engine, {
        method: 'POST',
        path: `/exec/${execId}/start`,
        body: { Detach: false, Tty: true },
      });
      session = this.track(
        caller,
        opener,
        'exec',
        engine,
        container.id,
        execId,
        true,
        true,
        socket,
      );
      this.pipeOutput(session, head, caller, container.name, command.join(' '));
      void this.resizeNow(session, request.cols, request.rows);
    });
    return { sessionId: session!.id, execId: session!.execId! };
  }

  async attach(
    caller: Caller,
    opener: ConsoleOpener,
    request: AttachRequest,
  ): Promise<{ sessionId: string; tty: boolean }> {
    this.checkLimit(opener.socketId);
    const entry = {
      action: 'container.attach_start' as AuditAction,
      hostId: request.hostId,
      target: request.containerId,
      details: {} as Record<string, unknown>,
    };
    let session: Session | undefined;
    await this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, container } = await this.access.requireContainer(
        caller.principal,
        request.hostId,
        request.containerId,
        'container.exec',
      );
      entry.target = container.name;
      const engine = permit.engine;
      let info: EngineContainerInspect;
      try {
        info = await engine.client.inspectContainer(container.id);
      } catch (error) {
        throw engineError(error, 'container', engine.name);
      }
      if (!info.State?.Running)
        throw new AppError('CONFLICT', `container ${container.name} is not running`);
      const tty = Boolean(info.Config?.Tty);
      const stdin = Boolean(info.Config?.OpenStdin);
      entry.details = { id: container.id, tty };
      await beforeEngine();
      const { socket, head } = await this.hijack(engine, {
        method: 'POST',
        path: `/containers/${container.id}/attach?stream=1&stdin=${stdin ? 1 : 0}&stdout=1&stderr=1`,
      });
      session = this.track(
        caller,
        opener,
        'attach',
        engine,
        container.id,
        null,
        tty,
        stdin,
        socket,
      );
      this.pipeOutput(session, head, caller, container.name, null);
      if (tty) void this.resizeNow(session, request.cols, request.rows);
    });
    return { sessionId: session!.id, tty: session!.tty };
  }

  /**
   * Binds a session of this replica to the viewer's socket when the viewer holds the credential
   * that opened it and may still use the container's console (a withdrawn grant ends the session);
   * the socket viewing it before (if any) no longer does. Null for a session that is not here,
   * ended, or is someone else's: the caller cannot tell these apart.
   */
  async resume(viewer: ConsoleViewer, request: ResumeRequest): Promise<TConsoleResumed | null> {
    const found = this.sessions.get(request.sessionId);
    if (!found || found.credential !== viewer.credential || found.closing) return null;
    try {
      await this.access.requireContainer(
        found.principal,
        found.engine.hostId,
        found.containerId,
        'container.exec',
      );
    } catch (error) {
      if (!(error instanceof AppError) || !REFUSALS.has(error.code)) throw error;
      this.end(found);
      return null;
    }
    // The session may have ended while access was checked.
    const session = this.sessions.get(request.sessionId);
    if (session !== found || session.closing) return null;
    clearTimeout(session.grace);
    session.grace = undefined;
    const from = request.after ?? (session.viewer === null ? session.leftAt : session.backlog.end);
    session.viewer = viewer.socketId;
    return {
      sessionId: session.id,
      kind: session.kind,
      tty: session.tty,
      output: session.backlog.since(from),
    };
  }

  input(socketId: string, sessionId: string, data: string): void {
    const session = this.viewedBy(socketId, sessionId);
    if (session?.stdin && !session.closing) session.socket.write(data);
  }

  resize(socketId: string, sessionId: string, cols: number, rows: number): void {
    const session = this.viewedBy(socketId, sessionId);
    if (session?.tty) void this.resizeNow(session, cols, rows);
  }

  /** The viewer closes its session. */
  close(socketId: string, sessionId: string): void {
    const session = this.viewedBy(socketId, sessionId);
    if (session) this.end(session);
  }

  /**
   * The socket is gone: its sessions go on without a viewer, gathering output, and end when
   * nobody resumes them within the grace period.
   */
  leave(socketId: string): void {
    for (const session of this.sessions.values()) {
      if (session.viewer !== socketId) continue;
      session.viewer = null;
      session.leftAt = session.backlog.end;
      clearTimeout(session.grace);
      session.grace = setTimeout(() => this.end(session), this.config.consoleGraceMs);
      session.grace.unref();
    }
  }

  /** The sockets viewing this replica's sessions (some may be on other replicas). */
  viewers(): Set<string> {
    const ids = new Set<string>();
    for (const session of this.sessions.values()) if (session.viewer) ids.add(session.viewer);
    return ids;
  }

  /**
   * Ends a session: an exec gets end of input (a shell exits on it) and a moment to finish; an
   * attach is detached at once, leaving the container running.
   */
  private end(session: Session): void {
    if (session.closing) return;
    if (session.kind === 'attach') {
      session.socket.destroy();
      return;
    }
    session.socket.end();
    session.closing = setTimeout(() => session.socket.destroy(), CLOSE_GRACE_MS);
    session.closing.unref();
  }

  private checkLimit(socketId: string): void {
    let count = 0;
    for (const session of this.sessions.values()) if (session.viewer === socketId) count += 1;
    if (count >= MAX_SESSIONS_PER_OWNER) {
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `at most ${MAX_SESSIONS_PER_OWNER} consoles per connection`,
      );
    }
  }

  private viewedBy(socketId: string, sessionId: string): Session | null {
    const session = this.sessions.get(sessionId);
    return session && session.viewer === socketId ? session : null;
  }

  private async hijack(
    engine: RegisteredEngine,
    call: { method: string; path: string; body?: unknown },
  ): Promise<{ socket: Duplex; head: Buffer }> {
    try {
      return await engine.client.upgrade({
        ...call,
        timeoutMs: this.config.engineTimeoutMs,
      });
    } catch (error) {
      throw engineError(error, 'container', engine.name);
    }
  }

  private track(
    caller: Caller,
    opener: ConsoleOpener,
    kind: Session['kind'],
    engine: RegisteredEngine,
    containerId: string,
    execId: string | null,
    tty: boolean,
    stdin: boolean,
    socket: Duplex,
  ): Session {
    const session: Session = {
      id: randomUUID(),
      credential: consoleCredential(caller.principal),
      principal: caller.principal,
      viewer: opener.socketId,
      kind,
      engine,
      containerId,
      execId,
      tty,
      stdin,
      socket,
      closing: undefined,
      backlog: new ConsoleBacklog(),
      leftAt: 0,
      grace: undefined,
      unwatch: () => undefined,
    };
    session.unwatch = this.credentials.watch({
      request: opener.request,
      principal: caller.principal,
      kind: 'console',
      close: () => socket.destroy(),
    });
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * Output to the viewer and the backlog (demultiplexed without a TTY); on close, the exit code and
   * the end record.
   */
  private pipeOutput(
    session: Session,
    head: Buffer,
    caller: Caller,
    name: string,
    command: string | null,
  ): void {
    const started = Date.now();
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const demux = session.tty ? null : new FrameDemuxer();
    const emit = (data: string) => {
      if (!data) return;
      session.backlog.append(data);
      if (session.viewer) {
        this.publisher.toSocket(session.viewer, 'console.output', { sessionId: session.id, data });
      }
    };
    const write = (chunk: Buffer) => {
      if (!demux) {
        emit(decoders.stdout.write(chunk));
        return;
      }
      demux.push(chunk, (stream, payload) => emit(decoders[stream].write(payload)));
    };
    // Output starts on the next turn, so the viewer has the session id (the answer) first.
    setImmediate(() => {
      if (head.length > 0) write(head);
      session.socket.on('data', write);
    });
    session.socket.on('error', () => session.socket.destroy());
    session.socket.once('close', () => {
      clearTimeout(session.closing);
      clearTimeout(session.grace);
      session.unwatch();
      this.sessions.delete(session.id);
      this.finish(session, caller, name, command, Date.now() - started).catch((error: unknown) =>
        this.log.warn({ err: error }, 'console: the end was not audited'),
      );
    });
  }

  private async finish(
    session: Session,
    caller: Caller,
    name: string,
    command: string | null,
    durationMs: number,
  ): Promise<void> {
    let exitCode: number | null = null;
    if (session.execId) {
      // The engine may report the exit a moment after the stream closes.
      for (let attempt = 0; attempt < 10; attempt += 1) {
        try {
          const info = await session.engine.client.inspectExec(session.execId);
          if (!info.Running) {
            exitCode = info.ExitCode ?? null;
            break;
          }
        } catch (error) {
          this.log.debug({ err: error, execId: session.execId }, 'console: exec inspect failed');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const reason = session.kind === 'exec' ? (exitCode === null ? 'closed' : 'exited') : 'detached';
    if (session.viewer) {
      this.publisher.toSocket(session.viewer, 'console.exit', {
        sessionId: session.id,
        exitCode,
        reason,
      });
    }
    await this.audit.record(caller, {
      action: session.kind === 'exec' ? 'container.exec_end' : 'container.attach_end',
      hostId: session.engine.hostId,
      target: name,
      outcome: 'success',
      details: {
        id: session.containerId,
        ...(session.execId ? { execId: session.execId, command, exitCode } : {}),
        durationMs,
      },
    });
  }

  private async resizeNow(session: Session, cols: number, rows: number): Promise<void> {
    const client = session.engine.client;
    try {
      if (session.execId) await client.resizeExec(session.execId, { h: rows, w: cols });
      else await client.resizeContainer(session.containerId, { h: rows, w: cols });
    } catch (error) {
      // A resize that races the process start or end changes nothing that matters.
      this.log.debug({ err: error, session: session.id }, 'console: resize failed');
    }
  }
}
