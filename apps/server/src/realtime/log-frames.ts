import type { TLogLine } from '@berth/shared';
import { LineReader } from '../docker/json-lines.js';

export type OutputStream = TLogLine['stream'];

const HEADER = 8;
/** A line without a newline is passed on once it is this long, so one huge line cannot pile up. */
const MAX_LINE = 64 * 1024;

/**
 * Splits the engine's multiplexed output of a container without a TTY (logs, attach): frames of
 * an 8-byte header (stream type, three zero bytes, payload size as big-endian uint32) then the
 * payload. Frames may arrive split over chunks or several in one chunk.
 */
export class FrameDemuxer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, emit: (stream: OutputStream, payload: Buffer) => void): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= HEADER) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < HEADER + size) return;
      const type = this.buffer[0];
      const payload = this.buffer.subarray(HEADER, HEADER + size);
      this.buffer = this.buffer.subarray(HEADER + size);
      emit(type === 2 ? 'stderr' : 'stdout', payload);
    }
  }
}

/**
 * Turns the bytes of stdout and stderr into lines, each stream on its own (a line split over
 * frames is joined; UTF-8 split over chunks is decoded whole). With `timestamps`, the engine's
 * RFC 3339 time that starts each line is taken off into `time`.
 */
export class LineSplitter {
  private readonly pending: Record<OutputStream, LineReader> = {
    stdout: new LineReader(MAX_LINE, 'pass'),
    stderr: new LineReader(MAX_LINE, 'pass'),
  };

  constructor(private readonly timestamps: boolean) {}

  push(stream: OutputStream, payload: Buffer, emit: (line: TLogLine) => void): void {
    this.pending[stream].push(payload, (text) => emit(this.line(stream, text)));
  }

  /** Passes on what is left without a final newline. */
  flush(emit: (line: TLogLine) => void): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream].end();
      if (rest) emit(this.line(stream, rest));
    }
  }

  private line(stream: OutputStream, raw: string): TLogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!this.timestamps) return { stream, text };
    const space = text.indexOf(' ');
    if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(text)) {
      return { stream, time: text.slice(0, space), text: text.slice(space + 1) };
    }
    return { stream, text };
  }
}
