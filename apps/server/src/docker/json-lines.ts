import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** What becomes of a line that grows past `maxLine` without its newline. */
export type LineOverflow = 'drop' | 'pass';

/**
 * Splits the bytes of an engine stream into lines: JSON lines (events, stats, pull and build
 * progress) and text lines (logs). Lines may arrive split over chunks and UTF-8 split over bytes;
 * each is decoded whole. A line that outgrows `maxLine` is dropped (`drop`: progress and JSON,
 * where a half line is of no use) or passed on as it stands (`pass`: logs, where text is kept),
 * so one endless line cannot pile up.
 */
export class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly maxLine: number,
    private readonly overflow: LineOverflow = 'drop',
  ) {}

  /** Calls `line` with each line the chunk completes, without its newline. */
  push(chunk: Buffer, line: (text: string) => void): void {
    this.pending += this.decoder.write(chunk);
    let start = 0;
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      line(this.pending.slice(start, newline));
      start = newline + 1;
      newline = this.pending.indexOf('\n', start);
    }
    if (start > 0) this.pending = this.pending.slice(start);
    switch (this.overflow) {
      case 'drop':
        if (this.pending.length > this.maxLine) this.pending = '';
        break;
      case 'pass':
        if (this.pending.length >= this.maxLine) {
          line(this.pending);
          this.pending = '';
        }
        break;
    }
  }

  /** What is left after the last newline (possibly empty), at the end of the stream. */
  end(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest;
  }
}

const MAX_JSON_LINE = 4 * 1024 * 1024;

/** One JSON value per line, or undefined for a blank line or one that is not JSON. */
export function parseJsonLine(line: string): unknown {
  const text = line.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Calls `handle` with each JSON value of a newline-delimited stream (engine events, stats, pull
 * progress). Lines that are not JSON are skipped.
 */
export function onJsonLines(stream: Readable, handle: (value: unknown) => void): void {
  const reader = new LineReader(MAX_JSON_LINE);
  const read = (line: string) => {
    const value = parseJsonLine(line);
    if (value !== undefined) handle(value);
  };
  stream.on('data', (chunk: Buffer) => reader.push(chunk, read));
  stream.on('end', () => read(reader.end()));
}
