import { Inject, Injectable } from '@nestjs/common';
import {
  ZAttachStart,
  ZConsoleInput,
  ZConsoleResize,
  ZConsoleResume,
  ZExecStart,
  ZSessionRef,
} from '@berth/shared';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { callerOf } from '../containers/caller.js';
import { ConsoleRelay } from './console-relay.js';
import { type ConsoleViewer, ConsoleSessions, consoleCredential } from './console-sessions.js';
import type { RealtimeServer } from './realtime-publisher.js';
import { answer, parseRequest } from './socket-answer.js';
import type { RealtimeSocket } from './socket-types.js';

/** The console requests of one socket: exec, attach, resume, input, resize, close. */
@Injectable()
export class ConsoleHandlers {
  constructor(
    private readonly consoles: ConsoleSessions,
    private readonly relay: ConsoleRelay,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Takes requests about this replica's consoles from the others (only with REDIS_URL). */
  listen(server: RealtimeServer): void {
    this.relay.listen(server);
  }

  bind(socket: RealtimeSocket, principal: Principal): void {
    const caller = callerOf(principal, socket.request);
    const opener = { socketId: socket.id, request: socket.request };
    const viewer: ConsoleViewer = { socketId: socket.id, credential: consoleCredential(principal) };
    /** Sessions this socket resumed on other replicas: what it types is passed on to them. */
    const remote = new Set<string>();
    const consoles = (sessionId: string) => (remote.has(sessionId) ? this.relay : this.consoles);
    /** The socket is gone: its sessions, here and elsewhere, wait to be resumed. */
    const leave = () => {
      this.consoles.leave(socket.id);
      if (remote.size > 0) this.relay.leave(socket.id);
    };

    socket.on(
      'console.exec',
      (request, ack) =>
        void answer(ack, this.log, () =>
          this.consoles.exec(caller, opener, parseRequest(ZExecStart, request)),
        ),
    );
    socket.on(
      'console.attach',
      (request, ack) =>
        void answer(ack, this.log, () =>
          this.consoles.attach(caller, opener, parseRequest(ZAttachStart, request)),
        ),
    );
    socket.on(
      'console.resume',
      (request, ack) =>
        void answer(ack, this.log, async () => {
          const parsed = parseRequest(ZConsoleResume, request);
          const here = await this.consoles.resume(viewer, parsed);
          if (here) remote.delete(parsed.sessionId);
          const elsewhere = here ? null : await this.relay.resume(viewer, parsed);
          if (elsewhere) remote.add(parsed.sessionId);
          // A socket that left while its resume was answered has had its disconnect already.
          if (socket.disconnected) leave();
          // Unknown, ended and someone else's sessions get the same answer.
          const resumed = here ?? elsewhere;
          if (!resumed) throw new AppError('NOT_FOUND', 'console ended');
          return resumed;
        }),
    );
    socket.on('console.input', (request) => {
      const parsed = ZConsoleInput.safeParse(request);
      if (!parsed.success) return;
      const { sessionId, data } = parsed.data;
      consoles(sessionId).input(socket.id, sessionId, data);
    });
    socket.on('console.resize', (request) => {
      const parsed = ZConsoleResize.safeParse(request);
      if (!parsed.success) return;
      const { sessionId, cols, rows } = parsed.data;
      consoles(sessionId).resize(socket.id, sessionId, cols, rows);
    });
    socket.on('console.close', (request) => {
      const parsed = ZSessionRef.safeParse(request);
      if (!parsed.success) return;
      consoles(parsed.data.sessionId).close(socket.id, parsed.data.sessionId);
      remote.delete(parsed.data.sessionId);
    });
    socket.on('disconnect', leave);
  }
}
