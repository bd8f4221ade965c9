import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { EngineConnection } from './engine-connection.js';
import { EngineError } from './engine-error.js';
import { hijackEngine } from './engine-hijack.js';

export interface EngineCall {
  method?: string;
  /** Path and query, without a version prefix (the engine then uses its own API version). */
  path: string;
  body?: unknown;
  /** How long to wait for the engine to answer at all; streams then run as long as they last. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /**
   * A body streamed as it comes (a build context, an image archive), with its content type in
   * `headers`; `timeoutMs` then counts from its end, as the engine answers only once it has it.
   */
  upload?: Readable;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Opens a long-lived engine response (logs, stats, events) through the host's own connection and
 * resolves once the engine has answered with a 2xx status. Failures reject with an EngineError
 * (error answers with the engine's message); the caller owns the stream and destroys it to stop.
 */
export function openEngineStream(
  connection: EngineConnection,
  call: EngineCall,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = send(connection, call);
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    if (!call.upload) timer = deadline(req, call.timeoutMs);
    call.upload?.once('end', () => {
      if (!answered) timer = deadline(req, call.timeoutMs);
    });
    req.on('response', (res) => {
      answered = true;
      clearTimeout(timer);
      const status = res.statusCode ?? 502;
      if (status >= 200 && status < 300) resolve(res);
      else void readError(res).then(reject);
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(EngineError.from(error));
    });
  });
}

/**
 * One engine call whose JSON answer is read whole (lists, inspects). Cheaper than dockerode for
 * calls made often: docker-modem runs `util.inspect` over its options on every call.
 */
export async function readEngineJson<T>(
  connection: EngineConnection,
  call: EngineCall,
): Promise<T> {
  const res = await openEngineStream(connection, call);
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

/**
 * Starts a hijacked engine call (exec start, attach) through `hijackEngine`, as the gateway does.
 * Resolves with the raw socket once the engine switched protocols; an answer instead rejects with
 * its EngineError.
 */
export function openEngineUpgrade(
  connection: EngineConnection,
  call: EngineCall,
): Promise<{ socket: Duplex; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const body = bodyOf(call);
    const req = hijackEngine(
      connection,
      { method: call.method ?? 'GET', path: call.path, headers: headersOf(call, body), body },
      {
        upgraded: (_res, socket, head) => {
          clearTimeout(timer);
          resolve({ socket, head });
        },
        refused: (res) => {
          clearTimeout(timer);
          void readError(res).then(reject);
        },
        failed: (error) => {
          clearTimeout(timer);
          reject(EngineError.from(error));
        },
      },
    );
    // The handlers run on later events, after the deadline is set.
    const timer = deadline(req, call.timeoutMs);
  });
}

function send(connection: EngineConnection, call: EngineCall): ClientRequest {
  const body = bodyOf(call);
  const req = connection.request({
    method: call.method ?? 'GET',
    path: call.path,
    headers: headersOf(call, body),
  });
  if (!call.upload) {
    req.end(body);
    return req;
  }
  const upload = call.upload;
  upload.pipe(req);
  // A body that breaks off ends the call; a call that fails stops reading the body.
  upload.once('error', (error) => req.destroy(error));
  req.once('error', () => upload.unpipe(req));
  return req;
}

function bodyOf(call: EngineCall): string | undefined {
  return call.body === undefined ? undefined : JSON.stringify(call.body);
}

function headersOf(call: EngineCall, body: string | undefined): OutgoingHttpHeaders {
  return {
    host: 'docker',
    ...call.headers,
    ...(body === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
  };
}

function deadline(req: ClientRequest, ms: number): NodeJS.Timeout {
  return setTimeout(
    () =>
      req.destroy(
        Object.assign(new Error('the engine did not answer in time'), { code: 'ETIMEDOUT' }),
      ),
    ms,
  );
}

async function readError(res: IncomingMessage): Promise<EngineError> {
  const status = res.statusCode ?? 502;
  let text = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length > MAX_ERROR_BODY) break;
    }
  } catch {
    // the body is only for the message
  }
  res.destroy();
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return EngineError.answered(status, message);
}
