import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EngineConnection, EngineRequest } from './engine-connection.js';

/** What the engine made of a request to hijack its connection; exactly one is called. */
export interface HijackOutcome {
  /** It switched protocols: `socket` carries the stream both ways, `head` holds its first bytes. */
  upgraded(res: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** It answered as usual instead (no such container, not running…); the body is the reason. */
  refused(res: IncomingMessage): void;
  /** No answer came: the connection failed, or the request was destroyed. */
  failed(error: Error): void;
}

/**
 * Asks an engine to hijack the connection of a call (attach, exec start, `/session`), as Docker's
 * own clients do: `Connection: Upgrade`, `Upgrade: tcp`, then the body. The gateway splices what
 * it gets to its client's socket; consoles read and write it themselves (`openEngineUpgrade`).
 * The returned request is destroyed to give up, answered or not. The hijacked connection is cut
 * when the host is closed (removed, or its address changed).
 */
export function hijackEngine(
  connection: EngineConnection,
  request: EngineRequest & { body?: Buffer | string | undefined },
  outcome: HijackOutcome,
): ClientRequest {
  const req = connection.request({
    method: request.method,
    path: request.path,
    headers: { ...request.headers, connection: 'Upgrade', upgrade: 'tcp' },
  });
  req.on('upgrade', (res, socket, head) => {
    connection.track(socket);
    outcome.upgraded(res, socket, head);
  });
  req.on('response', (res) => outcome.refused(res));
  req.on('error', (error) => outcome.failed(error));
  req.end(request.body);
  return req;
}
