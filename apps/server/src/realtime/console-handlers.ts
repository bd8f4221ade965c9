import { Inject, Injectable } from '@nestjs/common';
import {
  ZAttachStart,
  ZConsoleInput,
  ZConsoleResize,
  ZExecStart,
  ZSessionRef,
} from '@berth/shared';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { LOGGER } from '../common/logger.js';
import { callerOf } from '../containers/caller.js';
import { type ConsoleOutput, ConsoleSessions } from './console-sessions.js';
import { answer, parseRequest } from './socket-answer.js';
import type { RealtimeSocket } from './socket-types.js';

/** The console requests of one socket: exec, attach, input, resize, close. */
@Injectable()
export class ConsoleHandlers {
  constructor(
    private readonly consoles: ConsoleSessions,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  bind(socket: RealtimeSocket, principal: Principal): void {
    const caller = callerOf(principal, socket.request);
    const out: ConsoleOutput = {
      output: (sessionId, data) => socket.emit('console.output', { sessionId, data }),
      exit: (sessionId, exitCode, reason) =>
        socket.emit('console.exit', { sessionId, exitCode, reason }),
    };
    socket.on(
      'console.exec',
      (request, ack) =>
        void answer(ack, this.log, () =>
          this.consoles.exec(caller, socket.id, parseRequest(ZExecStart, request), out),
        ),
    );
    socket.on(
      'console.attach',
      (request, ack) =>
        void answer(ack, this.log, () =>
          this.consoles.attach(caller, socket.id, parseRequest(ZAttachStart, request), out),
        ),
    );
    socket.on('console.input', (request) => {
      const parsed = ZConsoleInput.safeParse(request);
      if (parsed.success) this.consoles.input(socket.id, parsed.data.sessionId, parsed.data.data);
    });
    socket.on('console.resize', (request) => {
      const parsed = ZConsoleResize.safeParse(request);
      if (parsed.success) {
        this.consoles.resize(socket.id, parsed.data.sessionId, parsed.data.cols, parsed.data.rows);
      }
    });
    socket.on('console.close', (request) => {
      const parsed = ZSessionRef.safeParse(request);
      if (parsed.success) this.consoles.close(socket.id, parsed.data.sessionId);
    });
    socket.on('disconnect', () => this.consoles.closeAll(socket.id));
  }
}
