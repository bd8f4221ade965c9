import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

const MAX_LINE = 4 * 1024 * 1024;

/**
 * Calls `handle` with each JSON value of a newline-delimited stream (engine events, stats, pull
 * progress). Values may arrive split over chunks; lines that are not JSON are skipped.
 */
export function onJsonLines(stream: Readable, handle: (value: unknown) => void): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const flush = (line: string) => {
    const text = line.trim();
    if (!text) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    handle(value);
  };
  stream.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      flush(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE) pending = '';
  });
  stream.on('end', () => flush(pending + decoder.end()));
}
