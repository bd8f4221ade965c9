import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';

/** Raised when a request body is larger than Berth reads, or stalls, or its sender goes away. */
export class BodyError extends Error {
  constructor(
    readonly reason: 'too-large' | 'stalled' | 'closed' | 'unframed',
    message: string,
  ) {
    super(message);
  }
}

/** True when the request carries a body (a length above zero, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The body as its reader takes it, calling `onStall` when it stops arriving for `idleMs` before
 * its end: a client that declares 50 MB and sends 1 MB must not hold a socket to Berth and one to
 * the engine forever. Read through this rather than watched from the side: a second reader would
 * set the body flowing before the engine connection is ready for it.
 */
export async function* watchedBody(
  body: Readable,
  idleMs: number,
  onStall: () => void,
): AsyncGenerator<Buffer> {
  const timer = setTimeout(onStall, idleMs);
  try {
    for await (const chunk of body) {
      timer.refresh();
      yield chunk as Buffer;
      timer.refresh();
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a whole body of at most `limit` bytes; a pause of `idleMs` between chunks gives up. */
export async function readBounded(body: Readable, limit: number, idleMs: number): Promise<Buffer> {
  const declared = Number((body as Partial<IncomingMessage>).headers?.['content-length'] ?? 0);
  if (declared > limit) throw new BodyError('too-large', `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  let stalled = false;
  const watched = watchedBody(body, idleMs, () => {
    stalled = true;
    body.destroy();
  });
  try {
    for await (const chunk of watched) {
      size += chunk.length;
      if (size > limit) throw new BodyError('too-large', `request body over ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (stalled) throw new BodyError('stalled', `no request body for ${idleMs} ms`);
    throw error instanceof BodyError
      ? error
      : new BodyError('closed', 'the client went away while sending its request');
  }
  return Buffer.concat(chunks);
}

/** An upgrade request's body, and the bytes after it that already belong to the raw stream. */
export interface UpgradeBody {
  body: Buffer;
  rest: Buffer;
}

/**
 * The body of a request that came with `Connection: Upgrade`: Node's HTTP parser has let go of the
 * socket, so the body is read raw, as `Content-Length` bytes (exec start's small JSON, or an
 * ordinary request's body sent with upgrade headers). Bytes past it already belong to the raw
 * stream. A chunked body is refused: no engine upgrade route takes one.
 */
export async function readUpgradeBody(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  limit: number,
  idleMs: number,
): Promise<UpgradeBody> {
  if (req.headers['transfer-encoding'] !== undefined) {
    throw new BodyError('unframed', 'a chunked body cannot come with Connection: Upgrade');
  }
  const length = Number(req.headers['content-length'] ?? 0) || 0;
  if (length > limit) throw new BodyError('too-large', `request body over ${limit} bytes`);
  if (head.length >= length) return { body: head.subarray(0, length), rest: head.subarray(length) };
  const buffered = await new Promise<Buffer>((resolve, reject) => {
    const chunks = [head];
    let size = head.length;
    const finish = (error: BodyError | null) => {
      clearTimeout(timer);
      socket.off('data', onData).off('error', onClose).off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onStall = () => finish(new BodyError('stalled', `no request body for ${idleMs} ms`));
    const onClose = () =>
      finish(new BodyError('closed', 'the client went away while sending its request'));
    let timer = setTimeout(onStall, idleMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      clearTimeout(timer);
      if (size < length) {
        timer = setTimeout(onStall, idleMs);
        return;
      }
      socket.pause();
      finish(null);
    };
    socket.on('data', onData).once('error', onClose).once('close', onClose);
  });
  return { body: buffered.subarray(0, length), rest: buffered.subarray(length) };
}
