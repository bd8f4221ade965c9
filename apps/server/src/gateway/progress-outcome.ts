import { Transform, type TransformCallback } from 'node:stream';
import { LineReader } from '../docker/json-lines.js';

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
  private readonly lines = new LineReader(MAX_LINE);
  private readonly onLine = (line: string) => this.readLine(line);

  constructor(private readonly settle: (failure: string | null) => Promise<void>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.lines.push(chunk, this.onLine);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.readLine(this.lines.end());
    this.settle(this.failure).then(
      () => done(),
      () => done(),
    );
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
