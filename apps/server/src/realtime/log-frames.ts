import type { TLogLine } from '@berth/shared';
import { LineReader } from '../docker/json-lines.js';
import type { StreamSink } from './stream-hub.js';

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

/** The engine's RFC 3339 time of a line as the `seconds.nanoseconds` its `since` takes. */
export function engineTime(time: string): string | null {
  const match = /^(.*?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  const seconds = match ? Date.parse(`${match[1]}${match[3]}`) / 1000 : NaN;
  if (!match || !Number.isInteger(seconds)) return null;
  return `${seconds}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/** Passes on the lines after `after` (the engine's `since` also gives those at that time). */
export function linesAfter<L extends { time?: string }>(
  after: string,
  sink: StreamSink<L>,
): StreamSink<L> {
  let caughtUp = false;
  return {
    next: (line) => {
      const time = line.time === undefined ? null : engineTime(line.time);
      if (!caughtUp && time !== null && compareEngineTimes(time, after) <= 0) return;
      caughtUp = true;
      sink.next(line);
    },
    end: (reason) => sink.end(reason),
  };
}

/** Orders two `seconds.nanoseconds` times (nanoseconds always nine digits). */
export function compareEngineTimes(a: string, b: string): number {
  const [as = '', an = ''] = a.split('.');
  const [bs = '', bn = ''] = b.split('.');
  return Number(as) - Number(bs) || an.localeCompare(bn);
}
