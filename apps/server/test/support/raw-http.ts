import { connect } from 'node:net';
import type { ApiAnswer } from './berth.js';

/**
 * One HTTP request written by hand on its own socket, for what fetch will not send: upgrade
 * headers, a body with a key given twice. The socket is written, not ended (Node drops a request
 * whose client half-closes before the answer); the answer is read until the server closes, so
 * send `Connection: close` or upgrade headers. Its body is parsed as JSON when it is JSON.
 */
export function rawRequest(
  baseUrl: string,
  request: { method: string; path: string; headers: Record<string, string>; body: string },
): Promise<ApiAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const head = [
      `${request.method} ${request.path} HTTP/1.1`,
      `Host: ${url.host}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(request.body)}`,
      ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n${request.body}`);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseAnswer(Buffer.concat(chunks).toString('utf8'))));
  });
}

function parseAnswer(text: string): ApiAnswer {
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split === -1 ? text.length : split).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let payload = split === -1 ? '' : text.slice(split + 4);
  if (headers.get('transfer-encoding') === 'chunked') payload = dechunk(payload);
  let body: unknown = payload;
  try {
    body = payload ? JSON.parse(payload) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status, body, headers };
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
