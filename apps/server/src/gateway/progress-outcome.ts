import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** A progress line longer than this is not an error line; it is passed on without being read. */
const MAX_LINE = 64 * 1024;

/**
 * Engine calls that answer 200 at once report failure later, inside their JSON-lines progress
 * stream (`{"errorDetail":{…},"error":"…"}`): the routes marked `answer: 'progress'`.
 * Passes a progress stream through unchanged while reading it for the engine's error line, then
 * settles the outcome before the stream's end is passed on: the audit record of a pull that
 * failed halfway says so, and it is committed before the client sees the end of the answer.
 */
export class ProgressOutcome extends Transform {
  /** The engine's error message, once one was reported. */
  failure: string | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly settle: (failure: string | null) => Promise<void>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.scan(this.decoder.write(chunk));
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.scan(this.decoder.end());
    this.readLine(this.pending);
    this.pending = '';
    this.settle(this.failure).then(
      () => done(),
      () => done(),
    );
  }

  private scan(text: string): void {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    if (this.pending.length > MAX_LINE) this.pending = '';
    for (const line of lines) this.readLine(line);
  }

  private readLine(line: string): void {
    // Most lines are progress; only those naming an error are parsed.
    if (this.failure !== null || !line.includes('"error')) return;
    try {
      const parsed = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      const message = parsed.errorDetail?.message ?? parsed.error;
      if (typeof message === 'string' && message) this.failure = message;
    } catch {
      // Not a JSON line: nothing the engine reported as an error.
    }
  }
}
