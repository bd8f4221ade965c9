import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AuditAction, ZAttachStart, ZExecStart } from '@berth/shared';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAccess } from '../containers/container-access.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import type { EngineContainerInspect } from '../docker/engine-client.js';
import { FrameDemuxer } from './log-frames.js';

export type ExecRequest = z.output<typeof ZExecStart>;
export type AttachRequest = z.output<typeof ZAttachStart>;

/** Where a session's output and end go (the socket that opened it). */
export interface ConsoleOutput {
  output(sessionId: string, data: string): void;
  exit(sessionId: string, exitCode: number | null, reason: string): void;
}

interface Session {
  id: string;
  /** The socket that opened the session; only it may type, resize or close. */
  owner: string;
  kind: 'exec' | 'attach';
  engine: RegisteredEngine;
  containerId: string;
  execId: string | null;
  tty: boolean;
  stdin: boolean;
  socket: Duplex;
  closing: NodeJS.Timeout | undefined;
}

/** After a close, the process gets this long to exit on end of input before the stream is cut. */
const CLOSE_GRACE_MS = 2_000;
const MAX_SESSIONS_PER_OWNER = 8;

/**
 * Interactive consoles over socket.io: `exec` runs a command (a shell by default) with a TTY,
 * `attach` joins the container's main process. The engine stream is hijacked through the host's
 * own connection (`Connection: Upgrade`, `Upgrade: tcp`). Each session is audited when it starts
 * and when it ends, with who, the container, the command and the exit code.
 */
@Injectable()
export class ConsoleSessions implements OnApplicationShutdown {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationShutdown(): void {
    for (const session of this.sessions.values()) session.socket.destroy();
  }

  get open(): number {
    return this.sessions.size;
  }

  async exec(
    caller: Caller,
    owner: string,
    request: ExecRequest,
    out: ConsoleOutput,
  ): Promise<{ sessionId: string; execId: string }> {
    this.checkLimit(owner);
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
      session = this.track(owner, 'exec', engine, container.id, execId, true, true, socket);
      this.pipeOutput(session, head, out, caller, container.name, command.join(' '));
      void this.resizeNow(session, request.cols, request.rows);
    });
    return { sessionId: session!.id, execId: session!.execId! };
  }

  async attach(
    caller: Caller,
    owner: string,
    request: AttachRequest,
    out: ConsoleOutput,
  ): Promise<{ sessionId: string; tty: boolean }> {
    this.checkLimit(owner);
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
      session = this.track(owner, 'attach', engine, container.id, null, tty, stdin, socket);
      this.pipeOutput(session, head, out, caller, container.name, null);
      if (tty) void this.resizeNow(session, request.cols, request.rows);
    });
    return { sessionId: session!.id, tty: session!.tty };
  }

  input(owner: string, sessionId: string, data: string): void {
    const session = this.owned(owner, sessionId);
    if (session?.stdin && !session.closing) session.socket.write(data);
  }

  resize(owner: string, sessionId: string, cols: number, rows: number): void {
    const session = this.owned(owner, sessionId);
    if (session?.tty) void this.resizeNow(session, cols, rows);
  }

  /**
   * Ends a session: an exec gets end of input (a shell exits on it) and a moment to finish; an
   * attach is detached at once, leaving the container running.
   */
  close(owner: string, sessionId: string): void {
    const session = this.owned(owner, sessionId);
    if (!session || session.closing) return;
    if (session.kind === 'attach') {
      session.socket.destroy();
      return;
    }
    session.socket.end();
    session.closing = setTimeout(() => session.socket.destroy(), CLOSE_GRACE_MS);
    session.closing.unref();
  }

  closeAll(owner: string): void {
    for (const session of [...this.sessions.values()]) {
      if (session.owner === owner) this.close(owner, session.id);
    }
  }

  private checkLimit(owner: string): void {
    let count = 0;
    for (const session of this.sessions.values()) if (session.owner === owner) count += 1;
    if (count >= MAX_SESSIONS_PER_OWNER) {
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `at most ${MAX_SESSIONS_PER_OWNER} consoles per connection`,
      );
    }
  }

  private owned(owner: string, sessionId: string): Session | null {
    const session = this.sessions.get(sessionId);
    return session && session.owner === owner ? session : null;
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
    owner: string,
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
      owner,
      kind,
      engine,
      containerId,
      execId,
      tty,
      stdin,
      socket,
      closing: undefined,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Output to the viewer (demultiplexed without a TTY); on close, the exit code and the end record. */
  private pipeOutput(
    session: Session,
    head: Buffer,
    out: ConsoleOutput,
    caller: Caller,
    name: string,
    command: string | null,
  ): void {
    const started = Date.now();
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const demux = session.tty ? null : new FrameDemuxer();
    const write = (chunk: Buffer) => {
      if (!demux) {
        const text = decoders.stdout.write(chunk);
        if (text) out.output(session.id, text);
        return;
      }
      demux.push(chunk, (stream, payload) => {
        const text = decoders[stream].write(payload);
        if (text) out.output(session.id, text);
      });
    };
    // Output starts on the next turn, so the viewer has the session id (the answer) first.
    setImmediate(() => {
      if (head.length > 0) write(head);
      session.socket.on('data', write);
    });
    session.socket.on('error', () => session.socket.destroy());
    session.socket.once('close', () => {
      clearTimeout(session.closing);
      this.sessions.delete(session.id);
      this.finish(session, out, caller, name, command, Date.now() - started).catch(
        (error: unknown) => this.log.warn({ err: error }, 'console: the end was not audited'),
      );
    });
  }

  private async finish(
    session: Session,
    out: ConsoleOutput,
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
    out.exit(session.id, exitCode, reason);
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
