import { Transform, type TransformCallback } from 'node:stream';

/** How long chunks may gather after one was sent; short enough that `logs -f` stays live. */
const GATHER_MS = 2;
/** A gathered batch goes out at once when it reaches this size. */
const MAX_BATCH = 64 * 1024;

/**
 * Engines write a log or event stream a line at a time, so an engine stream arrives as many small
 * chunks, and every chunk relayed on costs a chunked-encoding frame and a write. This passes the
 * first chunk after a quiet spell on at once (no added latency) and gathers those that follow
 * within a couple of milliseconds into one write.
 */
export class ChunkCoalescer extends Transform {
  private batch: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.timer === null) {
      // Quiet until now: send at once, and gather what follows for a moment.
      this.push(chunk);
      this.timer = setTimeout(() => this.release(), GATHER_MS);
    } else {
      this.batch.push(chunk);
      this.size += chunk.length;
      if (this.size >= MAX_BATCH) this.sendBatch();
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.stopTimer();
    this.sendBatch();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.stopTimer();
    this.batch = [];
    done(error);
  }

  /** The window closed: send what gathered, and keep gathering while chunks keep coming. */
  private release(): void {
    this.timer = null;
    if (this.size === 0) return;
    this.sendBatch();
    this.timer = setTimeout(() => this.release(), GATHER_MS);
  }

  private sendBatch(): void {
    if (this.size === 0) return;
    this.push(this.batch.length === 1 ? this.batch[0] : Buffer.concat(this.batch, this.size));
    this.batch = [];
    this.size = 0;
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
