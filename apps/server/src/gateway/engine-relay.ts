import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '@berth/shared';
import type { ErrorResponse } from '../common/error-response.js';

/**
 * Headers that belong to one hop (RFC 9110 §7.6.1, with the body's framing and `Expect`, which
 * Berth's server answers itself) or carry Berth's own credentials.
 */
const DROP_REQUEST = new Set([
  'authorization',
  'cookie',
  'x-csrf-token',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'x-request-id',
]);
const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
]);
/** A rewritten answer gets a new length. */
export const DROP_REWRITTEN_RESPONSE = new Set([...DROP_RESPONSE, 'content-length']);

/** The client's headers as the engine gets them: Berth's credentials and hop headers left out. */
export function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !DROP_REQUEST.has(name)) headers[name] = value;
  }
  headers.host = 'docker';
  return headers;
}

/** The engine's headers as the client gets them (raw name/value pairs, hop headers left out). */
export function responseHeaders(
  raw: string[],
  drop: ReadonlySet<string> = DROP_RESPONSE,
): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!drop.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
}

/** A status line and headers written straight to an upgraded socket. */
export function rawHead(status: number, message: string, raw: string[], close = false): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (close && DROP_RESPONSE.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${raw[i + 1] ?? ''}`);
  }
  if (close) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Docker clients print an error's top-level `message` ("Error response from daemon: …"), as the
 * engine sends it; Berth's own `error` object stays for everything else.
 */
function forDockerClients(body: ErrorBody): ErrorBody & { message: string } {
  return { message: body.error.message, ...body };
}

/** Berth's own error answer; a response already under way can only be cut. */
export function sendError(res: ServerResponse, { status, body, headers }: ErrorResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(status, { ...headers, 'content-type': 'application/json' })
    .end(JSON.stringify(forDockerClients(body)));
}

/** Berth's own error answer on a socket that left Node's HTTP handling (an upgrade request). */
export function writeRawError(socket: Duplex, { status, body, headers }: ErrorResponse): void {
  const payload = JSON.stringify(forDockerClients(body));
  const extra = Object.entries(headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
  // Whatever the client still sends is never read: the socket is cut shortly after the answer.
  socket.end(
    `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n${extra.join('')}Connection: close\r\n\r\n${payload}`,
    () => setTimeout(() => socket.destroy(), 500).unref(),
  );
}

/** Pipes two sockets both ways; one side's end of input is passed on as a half-close. */
export function splice(client: Duplex, engine: Duplex): void {
  client.pipe(engine);
  engine.pipe(client);
  const destroyBoth = () => {
    client.destroy();
    engine.destroy();
  };
  client.on('error', destroyBoth);
  engine.on('error', destroyBoth);
  client.on('close', () => engine.destroy());
  engine.on('close', () => client.end());
}
