import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { LineReader, onJsonLines } from './json-lines.js';

function lines(reader: LineReader, chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const chunk of chunks) reader.push(chunk, (line) => out.push(line));
  const rest = reader.end();
  if (rest) out.push(rest);
  return out;
}

describe('LineReader', () => {
  it('joins lines split over chunks and UTF-8 split over bytes', () => {
    const text = Buffer.from('héllo\nwörld\nlast');
    const chunks = [text.subarray(0, 2), text.subarray(2, 9), text.subarray(9)];
    expect(lines(new LineReader(1024), chunks)).toEqual(['héllo', 'wörld', 'last']);
  });

  it('gives several lines of one chunk in order', () => {
    expect(lines(new LineReader(1024), [Buffer.from('a\nb\n\nc\n')])).toEqual(['a', 'b', '', 'c']);
  });

  it('drops a line that outgrows the limit without a newline', () => {
    const reader = new LineReader(4);
    expect(lines(reader, [Buffer.from('12345'), Buffer.from('67\nok\n')])).toEqual(['67', 'ok']);
  });

  it('passes on a line that reaches the limit when told to', () => {
    const reader = new LineReader(4, 'pass');
    expect(lines(reader, [Buffer.from('1234'), Buffer.from('5\n')])).toEqual(['1234', '5']);
  });
});

describe('onJsonLines', () => {
  it('calls back with each JSON value, skipping blank and broken lines, the last without newline', async () => {
    const stream = new PassThrough();
    const seen: unknown[] = [];
    onJsonLines(stream, (value) => seen.push(value));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write('{"a":1}\n\nnot json\n{"b":');
    stream.write('2}\n[3]');
    stream.end();
    stream.resume();
    await ended;
    expect(seen).toEqual([{ a: 1 }, { b: 2 }, [3]]);
  });
});
