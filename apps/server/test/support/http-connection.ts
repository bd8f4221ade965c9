import { connect, type Socket } from 'node:net';

/** One answer read off a connection, framed as HTTP/1.1 frames it. */
export interface FramedAnswer {
  status: number;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * True when the body ended as its framing says (its Content-Length reached, the last chunk
   * read, or no body at all); false when the connection closed first.
   */
  complete: boolean;
}

/**
 * A client connection written by hand and kept open between requests, as the docker CLI keeps
 * one: requests are written raw, and each answer is read by its own framing (none for HEAD, 1xx,
 * 204 and 304; Content-Length; chunks; else until the connection closes), so a second request
 * can follow on the same socket and a short body is told apart from a whole one.
 */
export class HttpConnection {
  /** What arrived and is not yet taken, kept as it came: joined only when a frame is parsed. */
  private chunks: Buffer[] = [];
  private length = 0;
  private closedFlag = false;
  private wake: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.notify();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.notify();
        resolve();
      }),
    );
  }

  /** Connects to an `http://` server or a `unix://` socket (an engine's own). */
  static open(target: string): Promise<HttpConnection> {
    const url = new URL(target);
    return new Promise((resolve, reject) => {
      const ready = () => resolve(new HttpConnection(socket));
      const socket =
        url.protocol === 'unix:'
          ? connect(url.pathname, ready)
          : connect(Number(url.port), url.hostname, ready);
      socket.once('error', reject);
    });
  }

  /** Everything not yet taken, as one buffer. */
  private get buffered(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private set buffered(rest: Buffer) {
    this.chunks = [rest];
    this.length = rest.length;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Writes a request head (Host added) and, if given, body bytes. */
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer | string,
  ): void {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: berth'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (body !== undefined) this.socket.write(body);
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Reads the next answer to a `method` request (a 1xx answer is returned on its own). */
  async answer(method: string): Promise<FramedAnswer> {
    const headEnd = await this.until(() => {
      const at = this.buffered.indexOf('\r\n\r\n');
      return at === -1 ? null : at;
    });
    if (headEnd === null) return { status: 0, headers: {}, body: Buffer.alloc(0), complete: false };
    const lines = this.buffered.subarray(0, headEnd).toString('latin1').split('\r\n');
    this.buffered = this.buffered.subarray(headEnd + 4);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const none = { status, headers, body: Buffer.alloc(0), complete: true };
    if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return none;
    if (headers['transfer-encoding']?.includes('chunked')) return this.chunked(status, headers);
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      const got = await this.until(() => (this.length >= length ? length : null));
      return { status, headers, ...this.take(got ?? this.length), complete: got !== null };
    }
    await this.until(() => null);
    return { status, headers, ...this.take(this.length), complete: true };
  }

  private async chunked(status: number, headers: Record<string, string>): Promise<FramedAnswer> {
    const parts: Buffer[] = [];
    for (;;) {
      const line = await this.until(() => {
        const at = this.buffered.indexOf('\r\n');
        return at === -1 ? null : at;
      });
      if (line === null) break;
      const size = parseInt(this.buffered.subarray(0, line).toString('latin1'), 16);
      const need = line + 2 + size + 2;
      const whole = await this.until(() => (this.length >= need ? need : null));
      if (whole === null) {
        parts.push(this.buffered.subarray(line + 2));
        this.buffered = Buffer.alloc(0);
        break;
      }
      parts.push(this.buffered.subarray(line + 2, line + 2 + size));
      this.buffered = this.buffered.subarray(need);
      if (size === 0) return { status, headers, body: Buffer.concat(parts), complete: true };
    }
    return { status, headers, body: Buffer.concat(parts), complete: false };
  }

  private take(length: number): { body: Buffer } {
    const body = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return { body };
  }

  /** Waits until `ready` answers a value, or null once the connection has closed without it. */
  private async until<T>(ready: () => T | null): Promise<T | null> {
    for (;;) {
      const value = ready();
      if (value !== null) return value;
      if (this.closedFlag) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
