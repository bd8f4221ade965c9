import { randomBytes } from 'node:crypto';
import {
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the tap does with a call: pass it on, let the engine act and cut Berth off its answer,
 * pass the answer's head and its first `cutAfter` body bytes and then cut the connection, answer
 * it with `status` and the JSON `body` without asking the engine (an engine's answer to a race a
 * test cannot bring about on demand), or let the engine answer and hold that answer until the
 * promise `holdAnswer` makes (called once the engine's head is in) settles.
 */
export type TapAction =
  | 'pass'
  | 'lose-answer'
  | { cutAfter: number }
  | { status: number; body: unknown }
  | { holdAnswer: () => Promise<void> };

/**
 * A unix socket in front of a real engine; `before` sees each call before the engine does, so a
 * test can look at the database at that moment or lose the engine's answer.
 */
export class EngineTap {
  before: (req: IncomingMessage) => Promise<TapAction> = () => Promise.resolve('pass');

  private readonly server: Server;

  private constructor(
    readonly path: string,
    engineSocket: string,
  ) {
    this.server = createServer((req, res) => {
      void this.before(req).then((action) => {
        if (typeof action === 'object' && 'status' in action) {
          req.resume();
          res.writeHead(action.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(action.body));
          return;
        }
        const upstream = request(
          {
            socketPath: engineSocket,
            method: req.method,
            path: req.url,
            headers: req.headers,
            agent: false,
          },
          (answer) => {
            if (action === 'lose-answer') {
              // The engine has acted; Berth never hears back.
              answer.resume();
              req.socket.destroy();
              return;
            }
            if (typeof action === 'object' && 'holdAnswer' in action) {
              void action.holdAnswer().then(() => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
              });
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            if (action === 'pass') {
              answer.pipe(res);
              return;
            }
            cutAfter(answer, res, action.cutAfter);
          },
        );
        upstream.on('error', () => res.destroy());
        // An engine stream (events) ends with the client that asked for it.
        res.on('close', () => upstream.destroy());
        req.pipe(upstream);
      });
    });
  }

  static async start(engineSocket: string): Promise<EngineTap> {
    const path = join(tmpdir(), `berth-tap-${randomBytes(6).toString('hex')}.sock`);
    const tap = new EngineTap(path, engineSocket);
    await new Promise<void>((resolve) => tap.server.listen(path, resolve));
    return tap;
  }

  /** Stops listening (the socket goes): the engine behind counts as down. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        rmSync(this.path, { force: true });
        resolve();
      }),
    );
  }
}

/**
 * Passes on the first `limit` bytes of the engine's answer (all of it if shorter), then cuts
 * Berth's connection a moment after they are flushed, so that they are read before the cut.
 */
function cutAfter(answer: IncomingMessage, res: ServerResponse, limit: number): void {
  let sent = 0;
  let cut = false;
  const cutNow = () => {
    if (cut) return;
    cut = true;
    res.write('', () => setTimeout(() => res.socket?.destroy(), 50));
  };
  answer.on('data', (chunk: Buffer) => {
    if (cut) return;
    const part = chunk.subarray(0, limit - sent);
    sent += part.length;
    res.write(part);
    if (sent >= limit) cutNow();
  });
  answer.on('end', cutNow);
}
